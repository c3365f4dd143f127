/** Per-seed values the report draws: seed points, and curves as a mean with a min-max band over seeds. */
import type { GainInterval } from '@dtrn/compare';
import type { RunResults } from './results-file.js';

export interface SeedValue {
  /** The seed, or null where the results do not say which seed a value belongs to. */
  readonly seed: number | null;
  readonly value: number | null;
}

/** A curve over seeds: the mean and the band from the lowest to the highest seed at each x. */
export interface BandCurve {
  readonly label: string;
  readonly x: number[];
  readonly mean: (number | null)[];
  readonly lower: (number | null)[];
  readonly upper: (number | null)[];
  /** Seeds that have at least one value. */
  readonly seeds: number;
}

/**
 * The seeds of `gain.perSeed` in order: the run's seeds that have runs of both models and are not
 * left out (`computeGains` counts exactly those); null when that does not match the count.
 */
export function gainSeeds(results: RunResults, gain: GainInterval): SeedValue[] {
  const has = (model: string, seed: number) =>
    results.runs.some((run) => run.model === model && run.seed === seed);
  const seeds = results.seeds.filter(
    (seed) => !gain.excludedSeeds?.includes(seed) && has(gain.model, seed) && has(gain.base, seed),
  );
  const matched = seeds.length === gain.perSeed.length;
  return gain.perSeed.map((value, index) => ({ seed: matched ? seeds[index]! : null, value }));
}

/** `s0 +0.0012, s1 -0.0030` (`#1 ...` where the seed is not known). */
export function formatSeedValues(values: readonly SeedValue[], format: (value: number) => string): string {
  return values
    .map(
      (entry, index) =>
        `${entry.seed === null ? `#${index + 1}` : `s${entry.seed}`} ${entry.value === null ? 'n/a' : format(entry.value)}`,
    )
    .join(', ');
}

function finite(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Mean, min and max over seeds at each x (`series[seed][i]` is the value at `x[i]`; null: none). */
export function bandCurve(label: string, x: number[], series: readonly (number | null)[][]): BandCurve {
  const columns = x.map((_, i) => series.map((values) => values[i]).filter(finite));
  return {
    label,
    x,
    mean: columns.map((column) =>
      column.length > 0 ? column.reduce((a, b) => a + b, 0) / column.length : null,
    ),
    lower: columns.map((column) => (column.length > 0 ? Math.min(...column) : null)),
    upper: columns.map((column) => (column.length > 0 ? Math.max(...column) : null)),
    seeds: series.filter((values) => values.some(finite)).length,
  };
}

/**
 * One seed's values at `at`, linearly interpolated between its own points (`xs` ascending; null
 * outside its range or next to a missing value). Seeds of a run can differ in steps per epoch (their
 * splits differ), so their progress windows end at slightly different steps.
 */
export function interpolate(
  xs: readonly number[],
  ys: readonly (number | null)[],
  at: readonly number[],
): (number | null)[] {
  return at.map((x) => {
    const right = xs.findIndex((value) => value >= x);
    if (right < 0) return null;
    if (xs[right] === x) return ys[right] ?? null;
    if (right === 0) return null;
    const [x0, x1, y0, y1] = [xs[right - 1]!, xs[right]!, ys[right - 1], ys[right]];
    if (!finite(y0) || !finite(y1)) return null;
    return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  });
}
