/**
 * The oracle logits of a generated dataset, restricted to each task's sample space, ready for any
 * AUC function (this package does not depend on @dtrn/metrics: callers compute the AUCs).
 */
import { DataError } from '@dtrn/base';
import type { InMemoryDataset } from '@dtrn/data';
import { ORACLE_KINDS, type OracleKind } from './multi-behavior-generator.js';

/** One task's labels and oracle logits over its sample space. */
export interface TaskOracles {
  readonly task: string;
  /** Rows in the task's sample space. */
  readonly size: number;
  /** Positive labels among them. */
  readonly positives: number;
  /** [size] labels in {0, 1}. */
  readonly labels: Float32Array;
  /**
   * [size] logits per oracle kind present in the dataset's extras: `oracle` (the true logit),
   * `oracle-no-user-item`, `oracle-sequence-only`, `oracle-no-sequence`.
   */
  readonly logits: Readonly<Partial<Record<OracleKind, Float32Array>>>;
}

/**
 * Gathers, per task, the labels and the oracle logits (extras `${kind}/${task}`) on the rows of the
 * task's sample space (rows whose sample mask is 1). Throws a DataError when a task has no
 * `oracle/<task>` extra (a dataset that does not come from a generator).
 */
export function oracleReport(dataset: InMemoryDataset): TaskOracles[] {
  const extras = dataset.extras ?? {};
  return dataset.schema.tasks.map((spec, k) => {
    const trueLogit = extras[`oracle/${spec.name}`];
    if (!trueLogit) {
      throw new DataError(`oracleReport: no true logits for task "${spec.name}"`, {
        expected: `an extra column "oracle/${spec.name}" (datasets from generateMultiBehaviorData have one)`,
        found: Object.keys(extras),
      });
    }
    const mask = dataset.sampleMasks[k];
    const labels = dataset.labels[k]!;
    const rows: number[] = [];
    for (let row = 0; row < dataset.size; row++) if (!mask || mask[row] === 1) rows.push(row);
    const pick = (column: Float32Array) => Float32Array.from(rows, (row) => column[row]!);
    const logits: Partial<Record<OracleKind, Float32Array>> = {};
    for (const kind of ORACLE_KINDS) {
      const column = extras[`${kind}/${spec.name}`];
      if (column) logits[kind] = pick(column);
    }
    const picked = pick(labels);
    let positives = 0;
    for (const label of picked) positives += label;
    return { task: spec.name, size: rows.length, positives, labels: picked, logits };
  });
}
