/**
 * Field-weight summaries for reports: the mean (and standard deviation) of the TRM's weight a^k_i per
 * (task, field) over one batch or streamed over many, as plain numbers labelled with names.
 */
import { ConfigError, checkRank, checkShape, type ShapeBindings } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';

export interface FieldWeightSummaryOptions {
  /** Names of the N fields, in field order (DTRN: the F shared fields, then the M behaviors). Default `field_0`, ... */
  readonly fieldNames?: readonly string[];
  /** Names of the K tasks. Default `task_0`, ... */
  readonly taskNames?: readonly string[];
}

export interface FieldWeightRow {
  readonly task: string;
  readonly field: string;
  readonly meanWeight: number;
  readonly stdWeight: number;
}

export interface FieldWeightSummary {
  readonly taskNames: readonly string[];
  readonly fieldNames: readonly string[];
  /** Examples summarised. */
  readonly count: number;
  /** meanWeights[k][i]: mean of a^k_i over the examples. */
  readonly meanWeights: readonly (readonly number[])[];
  /** stdWeights[k][i]: population standard deviation of a^k_i over the examples. */
  readonly stdWeights: readonly (readonly number[])[];
  /** One row per (task, field), task-major. */
  readonly rows: readonly FieldWeightRow[];
}

function checkNames(names: readonly string[] | undefined, count: number, what: string): string[] {
  if (names === undefined) return Array.from({ length: count }, (_, i) => `${what}_${i}`);
  if (names.length !== count || names.some((n) => typeof n !== 'string' || n.length === 0)) {
    throw new ConfigError(`FieldWeightSummaryOptions.${what}Names is invalid`, {
      expected: `${count} non-empty names (one per ${what})`,
      found: names,
    });
  }
  return [...names];
}

/**
 * Streams field weights over batches (Chan et al.'s parallel mean/variance update, in float64), then
 * reports per (task, field) statistics. Each `add` reads back only two [K, N] tensors.
 */
export class FieldWeightAccumulator {
  private readonly options: FieldWeightSummaryOptions;
  private numTasks = 0;
  private numFields = 0;
  private count = 0;
  private mean = new Float64Array(0);
  private sumSquaredDeviations = new Float64Array(0);

  constructor(options: FieldWeightSummaryOptions = {}) {
    this.options = options;
  }

  /** Adds one batch: K tensors [B, N] (the `fieldWeights` output). Does not dispose them. */
  async add(fieldWeights: readonly tf.Tensor[]): Promise<void> {
    if (fieldWeights.length === 0 || (this.numTasks > 0 && fieldWeights.length !== this.numTasks)) {
      throw new ConfigError('FieldWeightAccumulator.add: wrong number of field-weight tensors', {
        expected: this.numTasks > 0 ? `${this.numTasks} tensors (one per task)` : 'at least one tensor',
        found: `${fieldWeights.length} tensors`,
      });
    }
    const bindings: ShapeBindings = new Map();
    if (this.numFields > 0) bindings.set('N', this.numFields);
    fieldWeights.forEach((w, task) => {
      checkRank(w.shape, 2, `FieldWeightAccumulator.add fieldWeights[${task}]`);
      checkShape(w.shape, ['B', 'N'], `FieldWeightAccumulator.add fieldWeights[${task}]`, bindings);
    });
    const [batchSize, numFields] = fieldWeights[0]!.shape as [number, number];
    checkNames(this.options.taskNames, fieldWeights.length, 'task');
    checkNames(this.options.fieldNames, numFields, 'field');
    if (batchSize === 0) return;
    const [batchMean, batchDeviations] = tf.tidy(() => {
      const stacked = tf.stack([...fieldWeights]); // [K, B, N]
      const mean = tf.mean(stacked, 1); // [K, N]
      const deviations = tf.sum(tf.square(tf.sub(stacked, tf.expandDims(mean, 1))), 1); // [K, N]
      return [mean, deviations];
    });
    const [meanValues, deviationValues] = await Promise.all([batchMean.data(), batchDeviations.data()]);
    tf.dispose([batchMean, batchDeviations]);
    if (this.count === 0) {
      this.numTasks = fieldWeights.length;
      this.numFields = numFields;
      this.mean = new Float64Array(meanValues);
      this.sumSquaredDeviations = new Float64Array(deviationValues);
      this.count = batchSize;
      return;
    }
    const total = this.count + batchSize;
    for (let i = 0; i < this.mean.length; i++) {
      const delta = meanValues[i]! - this.mean[i]!;
      this.mean[i] = this.mean[i]! + (delta * batchSize) / total;
      this.sumSquaredDeviations[i] =
        this.sumSquaredDeviations[i]! +
        deviationValues[i]! +
        (delta * delta * this.count * batchSize) / total;
    }
    this.count = total;
  }

  /** The statistics so far. Throws a ConfigError before the first non-empty batch. */
  summary(): FieldWeightSummary {
    if (this.count === 0) {
      throw new ConfigError('FieldWeightAccumulator.summary: no examples added yet', {
        expected: 'at least one add() with a non-empty batch',
        found: 0,
      });
    }
    const taskNames = checkNames(this.options.taskNames, this.numTasks, 'task');
    const fieldNames = checkNames(this.options.fieldNames, this.numFields, 'field');
    const meanWeights: number[][] = [];
    const stdWeights: number[][] = [];
    const rows: FieldWeightRow[] = [];
    for (let task = 0; task < this.numTasks; task++) {
      const means: number[] = [];
      const stds: number[] = [];
      for (let field = 0; field < this.numFields; field++) {
        const index = task * this.numFields + field;
        const meanWeight = this.mean[index]!;
        const stdWeight = Math.sqrt(Math.max(0, this.sumSquaredDeviations[index]! / this.count));
        means.push(meanWeight);
        stds.push(stdWeight);
        rows.push({ task: taskNames[task]!, field: fieldNames[field]!, meanWeight, stdWeight });
      }
      meanWeights.push(means);
      stdWeights.push(stds);
    }
    return { taskNames, fieldNames, count: this.count, meanWeights, stdWeights, rows };
  }
}

/** Summarises one batch of field weights (K tensors [B, N]); does not dispose them. */
export async function summarizeFieldWeights(
  fieldWeights: readonly tf.Tensor[],
  options: FieldWeightSummaryOptions = {},
): Promise<FieldWeightSummary> {
  const accumulator = new FieldWeightAccumulator(options);
  await accumulator.add(fieldWeights);
  return accumulator.summary();
}

/** A Markdown table: one row per field, one column per task, cells `mean ± std`. */
export function formatFieldWeightTable(summary: FieldWeightSummary, digits = 3): string {
  const header = `| field | ${summary.taskNames.join(' | ')} |`;
  const rule = `|---|${summary.taskNames.map(() => '---:').join('|')}|`;
  const lines = summary.fieldNames.map((field, i) => {
    const cells = summary.taskNames.map(
      (_, k) =>
        `${summary.meanWeights[k]![i]!.toFixed(digits)} ± ${summary.stdWeights[k]![i]!.toFixed(digits)}`,
    );
    return `| ${field} | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...lines].join('\n');
}
