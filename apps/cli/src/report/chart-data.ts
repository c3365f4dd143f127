/** The numbers report.html draws for one run, derived from results.json and metrics.jsonl. */
import type { ModelInspection } from '@dtrn/core';
import type { StepSeries } from './report-run.js';
import type { RunResults } from './results-file.js';
import { type BandCurve, bandCurve, gainSeeds, interpolate, type SeedValue } from './seed-values.js';

export interface ChartData {
  /** Per task, per model: mean over seeds per epoch with the seeds' min-max band. */
  readonly curves: { task: string; loss: BandCurve[]; validationAuc: BandCurve[] }[];
  /** Per task, per model: training loss per step (metrics.jsonl `stepLosses`); empty for older runs. */
  readonly steps: { task: string; loss: BandCurve[] }[];
  readonly finalAuc: {
    readonly tasks: readonly string[];
    readonly intervalLabel: string;
    readonly models: {
      model: string;
      values: (number | null)[];
      intervals: ({ lower: number; upper: number } | null)[];
      /** Per task, each seed's test AUC. */
      seedPoints: SeedValue[][];
    }[];
    readonly oracles: { label: string; values: (number | null)[] }[];
  };
  readonly gains: {
    readonly labels: string[];
    readonly tasks: {
      task: string;
      values: number[];
      intervals: { lower: number; upper: number }[];
      /** Per pair, each seed's gain. */
      seedPoints: SeedValue[][];
    }[];
  };
  readonly fieldWeights: {
    model: string;
    seed: number;
    fields: readonly string[];
    tasks: { task: string; weights: readonly number[] }[];
  }[];
  readonly gates: { model: string; seed: number; gates: NonNullable<ModelInspection['gates']> }[];
}

const ORACLE_LABELS: Readonly<Record<string, string>> = {
  oracle: 'oracle',
  'oracle-sequence-only': 'oracle: sequence only',
  'oracle-no-sequence': 'oracle: no sequence',
  'oracle-no-user-item': 'oracle: no user-item',
};

/** Per model: epochs 1..n, mean over seeds with their band (seeds that stopped earlier drop out). */
function epochCurves(
  results: RunResults,
  pick: (epoch: RunResults['runs'][number]['history'][number]) => number | null,
) {
  return results.models.map((model) => {
    const series = results.runs
      .filter((run) => run.model === model)
      .map((run) => run.history.map((epoch) => pick(epoch)));
    const length = Math.max(0, ...series.map((values) => values.length));
    return bandCurve(
      model,
      Array.from({ length }, (_, i) => i + 1),
      series,
    );
  });
}

/** Per task and model: the seeds' step losses on the union of their steps, as a band curve. */
export function stepCurves(results: RunResults, steps: readonly StepSeries[]): ChartData['steps'] {
  if (steps.length === 0) return [];
  return results.tasks.map((task, k) => ({
    task,
    loss: results.models.flatMap((model) => {
      const seeds = steps.filter((entry) => entry.model === model);
      if (seeds.length === 0) return [];
      const at = [...new Set(seeds.flatMap((entry) => entry.steps))].sort((a, b) => a - b);
      return [
        bandCurve(
          model,
          at,
          seeds.map((entry) => interpolate(entry.steps, entry.lossPerTask[k]!, at)),
        ),
      ];
    }),
  }));
}

export function buildChartData(results: RunResults, steps: readonly StepSeries[] = []): ChartData {
  const curves = results.tasks.map((task, k) => ({
    task,
    loss: epochCurves(results, (epoch) => epoch.trainLossPerTask[k] ?? null),
    validationAuc: epochCurves(results, (epoch) => epoch.validationAuc[k] ?? null),
  }));
  const confidence = results.summary[0]?.tasks[0]?.aucInterval?.confidence ?? 0.95;
  const finalAuc = {
    tasks: results.tasks,
    intervalLabel: `${Math.round(confidence * 100)}% bootstrap CI`,
    models: results.summary.map((summary) => ({
      model: summary.model,
      values: summary.tasks.map((task) => task.auc.mean),
      intervals: summary.tasks.map((task) =>
        task.aucInterval ? { lower: task.aucInterval.lower, upper: task.aucInterval.upper } : null,
      ),
      seedPoints: results.tasks.map((task) =>
        results.runs
          .filter((run) => run.model === summary.model)
          .map((run) => ({
            seed: run.seed,
            value: run.test.find((entry) => entry.task === task)?.auc ?? null,
          })),
      ),
    })),
    oracles: [...new Set(results.oracles.map((oracle) => oracle.kind))]
      .filter((kind) => kind === 'oracle' || kind === 'oracle-sequence-only')
      .map((kind) => ({
        label: ORACLE_LABELS[kind] ?? kind,
        values: results.tasks.map(
          (task) => results.oracles.find((o) => o.task === task && o.kind === kind)?.auc.mean ?? null,
        ),
      })),
  };
  const pairs = [...new Set(results.gains.map((gain) => `${gain.model} vs ${gain.base}`))];
  const gains = {
    labels: pairs,
    tasks: results.tasks.map((task) => {
      const rows = pairs.map((pair) =>
        results.gains.find((gain) => `${gain.model} vs ${gain.base}` === pair && gain.task === task),
      );
      return {
        task,
        values: rows.map((row) => row?.estimate ?? 0),
        intervals: rows.map((row) => ({ lower: row?.lower ?? 0, upper: row?.upper ?? 0 })),
        seedPoints: rows.map((row) => (row ? gainSeeds(results, row) : [])),
      };
    }),
  };
  const firstRuns = results.models
    .map((model) => results.runs.find((run) => run.model === model))
    .filter((run) => run !== undefined);
  const fieldWeights = firstRuns.flatMap((run) => {
    const weights = run.inspection?.fieldWeights;
    if (!weights || weights.length === 0) return [];
    return [
      {
        model: run.model,
        seed: run.seed,
        fields: weights[0]!.fields,
        tasks: weights.map((entry) => ({
          task: results.tasks[entry.task] ?? `task ${entry.task}`,
          weights: entry.weights,
        })),
      },
    ];
  });
  const gates = firstRuns.flatMap((run) => {
    const gateList = run.inspection?.gates;
    if (!gateList || gateList.length === 0) return [];
    const named = gateList.map((gate) => ({
      ...gate,
      gate:
        gate.task === null
          ? `${gate.gate} (shared)`
          : `${gate.gate} (${results.tasks[gate.task] ?? `task ${gate.task}`})`,
    }));
    return [{ model: run.model, seed: run.seed, gates: named }];
  });
  return { curves, steps: stepCurves(results, steps), finalAuc, gains, fieldWeights, gates };
}
