/**
 * Several runs side by side, aligned by model and task: the union of the runs' models and tasks in
 * order of first appearance, and per (model, task) each run's numbers, or null where a run has no
 * such model or task (a gap on the page, not an error).
 */
import { basename } from 'node:path';
import type { GainInterval, ModelSummary } from '@dtrn/compare';
import type { ReportRun } from './report-run.js';
import { type BandCurve, bandCurve, gainSeeds, type SeedValue } from './seed-values.js';

type TaskSummary = ModelSummary['tasks'][number];

export interface AlignedRuns {
  /** Run labels (directory names, made unique), in the order given. */
  readonly labels: string[];
  readonly models: string[];
  readonly tasks: string[];
  /** `model vs base` of every gain of any run. */
  readonly pairs: { model: string; base: string }[];
  /** summary[t][m][r]: run r's summary of model m on task t. */
  readonly summary: (TaskSummary | null)[][][];
  /** seedAuc[t][m][r]: run r's test AUC of model m on task t, per seed. */
  readonly seedAuc: (SeedValue[] | null)[][][];
  /** gains[t][p][r]: run r's gain of pair p on task t, with its seeds. */
  readonly gains: (AlignedGain | null)[][][];
  /** `model vs single-task model` of every transfer entry of any run (empty: no run has one). */
  readonly transferPairs: { model: string; base: string }[];
  /** transfer[t][p][r]: run r's transfer of pair p on task t, with its seeds. */
  readonly transfer: (AlignedGain | null)[][][];
}

export interface AlignedGain {
  readonly gain: GainInterval;
  readonly seeds: SeedValue[];
}

type GainList = (run: ReportRun) => readonly GainInterval[];

/** The (model, base) pairs of every run's list, in order of first appearance. */
function pairsOf(runs: readonly ReportRun[], list: GainList): { model: string; base: string }[] {
  return union(runs.map((run) => list(run).map((gain) => `${gain.model}\u0000${gain.base}`))).map((key) => {
    const [model, base] = key.split('\u0000') as [string, string];
    return { model, base };
  });
}

/** aligned[t][p][r]: run r's entry of `list` for pair p on task t, or null. */
function alignGains(
  runs: readonly ReportRun[],
  tasks: readonly string[],
  pairs: readonly { model: string; base: string }[],
  list: GainList,
): (AlignedGain | null)[][][] {
  const entryOf = (run: ReportRun, pair: { model: string; base: string }, task: string) => {
    const gain = list(run).find((g) => g.model === pair.model && g.base === pair.base && g.task === task);
    return gain ? { gain, seeds: gainSeeds(run.results, gain) } : null;
  };
  return tasks.map((task) => pairs.map((pair) => runs.map((run) => entryOf(run, pair, task))));
}

function union(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}

/** Directory names, with ` (2)`, ` (3)` after repeated ones. */
export function runLabels(runs: readonly ReportRun[]): string[] {
  const seen = new Map<string, number>();
  return runs.map((run) => {
    const name = basename(run.directory);
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name} (${count})`;
  });
}

export function alignRuns(runs: readonly ReportRun[]): AlignedRuns {
  const models = union(runs.map((run) => run.results.models));
  const tasks = union(runs.map((run) => run.results.tasks));
  const gainsOf: GainList = (run) => run.results.gains;
  const transferOf: GainList = (run) => run.results.transfer ?? [];
  const pairs = pairsOf(runs, gainsOf);
  const transferPairs = pairsOf(runs, transferOf);
  const summaryOf = (run: ReportRun, model: string, task: string) =>
    run.results.summary.find((entry) => entry.model === model)?.tasks.find((entry) => entry.task === task) ??
    null;
  const seedsOf = (run: ReportRun, model: string, task: string): SeedValue[] | null => {
    const modelRuns = run.results.runs.filter((entry) => entry.model === model);
    if (modelRuns.length === 0 || !run.results.tasks.includes(task)) return null;
    return modelRuns.map((entry) => ({
      seed: entry.seed,
      value: entry.test.find((score) => score.task === task)?.auc ?? null,
    }));
  };
  return {
    labels: runLabels(runs),
    models,
    tasks,
    pairs,
    summary: tasks.map((task) => models.map((model) => runs.map((run) => summaryOf(run, model, task)))),
    seedAuc: tasks.map((task) => models.map((model) => runs.map((run) => seedsOf(run, model, task)))),
    gains: alignGains(runs, tasks, pairs, gainsOf),
    transferPairs,
    transfer: alignGains(runs, tasks, transferPairs, transferOf),
  };
}

/** One run's bars over a task's models or pairs: the value, its CI and each seed's value (null: a gap). */
interface RunBars {
  readonly values: (number | null)[];
  readonly intervals: ({ lower: number; upper: number } | null)[];
  readonly seedPoints: SeedValue[][];
}

export interface ComparisonChartData {
  readonly labels: string[];
  readonly models: string[];
  /** Per task: bars per model (x) and run (dataset), CI whiskers and seed dots. */
  readonly finalAuc: {
    task: string;
    /** The models any run has on this task. */
    models: string[];
    runs: RunBars[];
  }[];
  readonly gains: {
    task: string;
    pairs: string[];
    runs: RunBars[];
  }[];
  /** Per task: mean curves per (run, model); `model` indexes `models` (the colour), `run` the dash. */
  readonly curves: { task: string; loss: RunCurve[]; validationAuc: RunCurve[] }[];
}

interface RunCurve extends BandCurve {
  readonly run: number;
  readonly model: number;
}

function runCurves(
  runs: readonly ReportRun[],
  aligned: AlignedRuns,
  task: string,
  kind: 'loss' | 'auc',
): RunCurve[] {
  return runs.flatMap((run, r) => {
    const k = run.results.tasks.indexOf(task);
    if (k < 0) return [];
    return run.results.models.map((model) => {
      const series = run.results.runs
        .filter((entry) => entry.model === model)
        .map((entry) =>
          entry.history.map(
            (epoch) => (kind === 'loss' ? epoch.trainLossPerTask : epoch.validationAuc)[k] ?? null,
          ),
        );
      const length = Math.max(0, ...series.map((values) => values.length));
      const curve = bandCurve(
        `${model} · ${aligned.labels[r]}`,
        Array.from({ length }, (_, i) => i + 1),
        series,
      );
      return { ...curve, run: r, model: aligned.models.indexOf(model) };
    });
  });
}

/** Indexes of the rows (models or pairs) that at least one run has on a task. */
export function presentRows(cells: readonly (readonly unknown[])[]): number[] {
  return cells.flatMap((row, index) => (row.some((cell) => cell !== null) ? [index] : []));
}

export function buildComparisonChartData(
  runs: readonly ReportRun[],
  aligned: AlignedRuns,
): ComparisonChartData {
  return {
    labels: aligned.labels,
    models: aligned.models,
    finalAuc: aligned.tasks.map((task, t) => {
      const rows = presentRows(aligned.summary[t]!);
      return {
        task,
        models: rows.map((m) => aligned.models[m]!),
        runs: runs.map((_, r) => ({
          values: rows.map((m) => aligned.summary[t]![m]![r]?.auc.mean ?? null),
          intervals: rows.map((m) => aligned.summary[t]![m]![r]?.aucInterval ?? null),
          seedPoints: rows.map((m) => aligned.seedAuc[t]![m]![r] ?? []),
        })),
      };
    }),
    gains: aligned.tasks.map((task, t) => {
      const rows = presentRows(aligned.gains[t]!);
      return {
        task,
        pairs: rows.map((p) => `${aligned.pairs[p]!.model} vs ${aligned.pairs[p]!.base}`),
        runs: runs.map((_, r) => ({
          values: rows.map((p) => aligned.gains[t]![p]![r]?.gain.estimate ?? null),
          intervals: rows.map((p) => {
            const gain = aligned.gains[t]![p]![r]?.gain;
            return gain ? { lower: gain.lower, upper: gain.upper } : null;
          }),
          seedPoints: rows.map((p) => aligned.gains[t]![p]![r]?.seeds ?? []),
        })),
      };
    }),
    curves: aligned.tasks.map((task) => ({
      task,
      loss: runCurves(runs, aligned, task, 'loss'),
      validationAuc: runCurves(runs, aligned, task, 'auc'),
    })),
  };
}
