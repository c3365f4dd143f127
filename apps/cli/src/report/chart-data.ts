/** The numbers report.html draws, derived from results.json. */
import type { ModelInspection } from '@dtrn/core';
import type { RunResults } from './results-file.js';

interface Curve {
  readonly model: string;
  readonly values: (number | null)[];
}

export interface ChartData {
  readonly curves: { task: string; loss: Curve[]; validationAuc: Curve[] }[];
  readonly finalAuc: {
    readonly tasks: readonly string[];
    readonly intervalLabel: string;
    readonly models: {
      model: string;
      values: (number | null)[];
      intervals: ({ lower: number; upper: number } | null)[];
    }[];
    readonly oracles: { label: string; values: (number | null)[] }[];
  };
  readonly gains: {
    readonly labels: string[];
    readonly tasks: { task: string; values: number[]; intervals: { lower: number; upper: number }[] }[];
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

/** Mean over seeds of per-epoch values (seeds that stopped earlier drop out of later epochs). */
function meanCurve(series: (number | null)[][]): (number | null)[] {
  const length = Math.max(0, ...series.map((values) => values.length));
  return Array.from({ length }, (_, epoch) => {
    const defined = series
      .map((values) => values[epoch])
      .filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
    return defined.length > 0 ? defined.reduce((a, b) => a + b, 0) / defined.length : null;
  });
}

export function buildChartData(results: RunResults): ChartData {
  const curves = results.tasks.map((task, k) => ({
    task,
    loss: results.models.map((model) => ({
      model,
      values: meanCurve(
        results.runs
          .filter((run) => run.model === model)
          .map((run) => run.history.map((epoch) => epoch.trainLossPerTask[k] ?? null)),
      ),
    })),
    validationAuc: results.models.map((model) => ({
      model,
      values: meanCurve(
        results.runs
          .filter((run) => run.model === model)
          .map((run) => run.history.map((epoch) => epoch.validationAuc[k] ?? null)),
      ),
    })),
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
  return { curves, finalAuc, gains, fieldWeights, gates };
}
