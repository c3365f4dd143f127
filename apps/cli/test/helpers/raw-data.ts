/**
 * Small hand-made data sets in the exact raw formats of Ali-CCP and AliExpress (made-up ids;
 * formats in packages/datasets/docs/loaders.md), with labels that depend on the features so a
 * model can learn them, both classes of both tasks in every split, and an optional bad row.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real 20-session OTTO sample (CC BY 4.0, with its LICENSE and README beside it). */
export const OTTO_SAMPLE = fileURLToPath(
  new URL('../../../../packages/datasets/test/fixtures/otto/otto_sample_train.jsonl', import.meta.url),
);

/** A deterministic stream of numbers in [0, 1) (a linear congruential generator). */
function uniforms(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A bad row replaces the data row at 1-based file line `line` (text from the row's own cells). */
export interface BadRow {
  readonly line: number;
  readonly row: (cells: string[]) => string;
}

/** Replaces line `bad.line` (1-based) of `lines` by the bad row. */
function withBadRow(lines: string[], separator: string, bad?: BadRow): string {
  if (bad) lines[bad.line - 1] = bad.row(lines[bad.line - 1]!.split(separator));
  return `${lines.join('\n')}\n`;
}

const feature = (field: string, id: number | string, value = '1.0') => `${field}\x02${id}\x03${value}`;

/**
 * An Ali-CCP directory: 12 user profiles, 8 items, `trainRows` training samples and `testRows` test
 * samples. click = 1 mostly when the user and item share parity; conversion on a third of clicks;
 * sample 7 of the training file has click 0 and conversion 1 (filtered by the loader).
 */
export function writeAliCcp(dir: string, options: { trainRows?: number; testRows?: number; bad?: BadRow }) {
  mkdirSync(dir, { recursive: true });
  const profile = (user: number) =>
    [
      feature('101', 1000 + user),
      feature('121', 20 + (user % 3)),
      feature('122', 30 + (user % 2)),
      ...[124, 125, 126, 127, 128, 129].map((field) => feature(String(field), field * 10 + (user % 2))),
      feature('109_14', 300 + (user % 4), '3.0'),
      feature('109_14', 301 + (user % 3), '1.0'),
      feature('110_14', 400 + (user % 2), '2.0'),
      feature('127_14', 500 + (user % 5), '1.0'),
      feature('150_14', 600 + (user % 3), '1.0'),
    ].join('\x01');
  const commonFile = (prefix: string) =>
    `${Array.from({ length: 12 }, (_, user) => {
      const features = profile(user);
      return `${prefix}${user},${features.split('\x01').length},${features}`;
    }).join('\n')}\n`;
  const skeleton = (rows: number, firstId: number, seed: number) => {
    const random = uniforms(seed);
    const lines = Array.from({ length: rows }, (_, k) => {
      const user = k % 12;
      const item = (k * 5) % 8;
      const click = (user + item) % 2 === 0 ? random() < 0.8 : random() < 0.15;
      const conversion = click && random() < 0.4;
      const filtered = seed === 1 && k === 6;
      const features = [
        feature('205', 700 + item),
        feature('206', 300 + (item % 4)),
        feature('207', 400 + (item % 2)),
        feature('210', 600 + (item % 3)),
        feature('216', 500 + (item % 5)),
        feature('508', 1),
        feature('509', 2),
        feature('702', 3),
        feature('853', 4 + (item % 2)),
        feature('301', 1 + (k % 2)),
      ].join('\x01');
      const labels = filtered ? '0,1' : `${click ? 1 : 0},${conversion ? 1 : 0}`;
      return `${firstId + k},${labels},${seed === 1 ? 'tr' : 'te'}${user},10,${features}`;
    });
    return lines;
  };
  const train = skeleton(options.trainRows ?? 96, 1, 1);
  train[0] = train[0]!.replace(/^1,\d,\d,/, '1,1,1,'); // a conversion early in every case
  writeFileSync(join(dir, 'sample_skeleton_train.csv'), withBadRow(train, ',', options.bad));
  writeFileSync(join(dir, 'common_features_train.csv'), commonFile('tr'));
  writeFileSync(
    join(dir, 'sample_skeleton_test.csv'),
    withBadRow(skeleton(options.testRows ?? 96, 5001, 2), ','),
  );
  writeFileSync(join(dir, 'common_features_test.csv'), commonFile('te'));
}

/** The AliExpress header: search_id, categorical_1..16, numerical_1..63, click, conversion. */
export const ALIEXPRESS_HEADER = [
  'search_id',
  ...Array.from({ length: 16 }, (_, i) => `categorical_${i + 1}`),
  ...Array.from({ length: 63 }, (_, i) => `numerical_${i + 1}`),
  'click',
  'conversion',
].join(',');

/**
 * An AliExpress country directory with `train.csv` and `test.csv`: click depends on categorical_1
 * and numerical_1, conversion on a third of clicks; one click 0 / conversion 1 row (filtered).
 */
export function writeAliExpress(
  dir: string,
  options: { trainRows?: number; testRows?: number; bad?: BadRow },
) {
  mkdirSync(dir, { recursive: true });
  const rows = (count: number, seed: number) => {
    const random = uniforms(seed);
    return Array.from({ length: count }, (_, k) => {
      const categorical = Array.from({ length: 16 }, (_, i) => String((k * (i + 1)) % (3 + i)));
      const numerical = Array.from({ length: 63 }, (_, i) => (random() + (i === 0 ? k % 2 : 0)).toFixed(4));
      const click = (k % 2 === 0 ? random() < 0.75 : random() < 0.15) ? 1 : 0;
      const conversion = click === 1 && random() < 0.4 ? 1 : 0;
      const labels = seed === 1 && k === 5 ? [0, 1] : [click, conversion];
      return [String(90_000 + seed * 1000 + k), ...categorical, ...numerical, ...labels.map(String)].join(
        ',',
      );
    });
  };
  const train = [ALIEXPRESS_HEADER, ...rows(options.trainRows ?? 96, 1)];
  train[1] = train[1]!.replace(/,\d,\d$/, ',1,1'); // a conversion early in every case
  writeFileSync(join(dir, 'train.csv'), withBadRow(train, ',', options.bad));
  writeFileSync(
    join(dir, 'test.csv'),
    withBadRow([ALIEXPRESS_HEADER, ...rows(options.testRows ?? 96, 2)], ','),
  );
}

/** The OTTO sample with line `bad.line` replaced (the real sessions otherwise). */
export function writeOtto(path: string, bad?: BadRow): void {
  const lines = readFileSync(OTTO_SAMPLE, 'utf8').trimEnd().split('\n');
  writeFileSync(path, withBadRow(lines, '\u0000', bad));
}
