/**
 * Streaming accumulators: add predictions batch by batch, compute exact metrics at the end (all
 * values are kept; no binning or approximation).
 */
import { ConfigError, DataError } from '@dtrn/base';
import { aucOrUndefined } from './auc.js';
import { type GaucResult, gauc } from './gauc.js';
import { weightedLogloss } from './logloss.js';
import {
  checkGroups,
  checkLabels,
  checkProbabilities,
  checkSameLength,
  type GroupArray,
  type NumericArray,
} from './validate.js';

/** Metrics of one task, JSON-friendly: undefined metrics are null. */
export interface TaskMetrics {
  readonly task: string;
  /** Samples in the task's sample space. */
  readonly count: number;
  readonly positives: number;
  /** null when the samples hold only one class. */
  readonly auc: number | null;
  /** null when no groups were given or no group has both classes. */
  readonly gauc: number | null;
  readonly gaucGroupsUsed: number;
  readonly gaucGroupsSkipped: number;
  /** null when there are no samples. */
  readonly logloss: number | null;
  /** Smallest and largest predicted probability in the sample space; null when there are no samples. */
  readonly minPrediction: number | null;
  readonly maxPrediction: number | null;
}

/**
 * Why a task's AUC is undefined (`no samples`, `no positives`, `no negatives`), or null when it is
 * defined: print it next to an `n/a` so a reader knows what is missing.
 */
export function aucUndefinedReason(task: Pick<TaskMetrics, 'count' | 'positives'>): string | null {
  if (task.count === 0) return 'no samples';
  if (task.positives === 0) return `no positives in ${task.count} samples`;
  if (task.positives === task.count) return `no negatives in ${task.count} samples`;
  return null;
}

class GrowableFloat64 {
  private data = new Float64Array(1024);
  length = 0;

  push(values: ArrayLike<number>, mask: ArrayLike<number> | undefined): void {
    const incoming = values.length;
    if (this.length + incoming > this.data.length) {
      let capacity = this.data.length;
      while (capacity < this.length + incoming) capacity *= 2;
      const next = new Float64Array(capacity);
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    for (let i = 0; i < incoming; i++) if (mask?.[i] !== 0) this.data[this.length++] = values[i]!;
  }

  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

export interface AccumulatorAddOptions {
  /** User ids for GAUC, one per sample. */
  readonly groups?: GroupArray;
  /** 1 = the sample is in the task's sample space, 0 = leave it out (e.g. conversion of non-clicks). */
  readonly mask?: NumericArray | Uint8Array;
}

/** Accumulates labels and predicted probabilities of one task over many batches. */
export class MetricAccumulator {
  private readonly labels = new GrowableFloat64();
  private readonly probs = new GrowableFloat64();
  private readonly groups = new GrowableFloat64();
  private positiveCount = 0;
  private groupsSeen: boolean | undefined;

  constructor(readonly task = 'task') {}

  /** Adds a batch; validates it first, so a bad batch leaves the accumulator unchanged. */
  add(labels: NumericArray, probs: NumericArray, options: AccumulatorAddOptions = {}): void {
    const metric = `MetricAccumulator(${this.task}).add`;
    const { groups, mask } = options;
    checkSameLength(
      metric,
      { name: 'labels', values: labels },
      { name: 'probs', values: probs },
      { name: 'groups', values: groups },
      { name: 'mask', values: mask },
    );
    const hasGroups = groups !== undefined;
    if (this.groupsSeen !== undefined && this.groupsSeen !== hasGroups) {
      throw new ConfigError(`${metric}: give groups with every batch or with none`, {
        expected: this.groupsSeen ? 'groups' : 'no groups',
        found: hasGroups ? 'groups' : 'no groups',
      });
    }
    if (mask) {
      for (let i = 0; i < mask.length; i++) {
        if (mask[i] !== 0 && mask[i] !== 1) {
          throw new DataError(`${metric}: mask must be 0 or 1`, {
            where: { field: 'mask', index: i },
            found: mask[i],
          });
        }
      }
    }
    const keptLabels = mask ? labels.filter((_: number, i: number) => mask[i] !== 0) : labels;
    const keptProbs = mask ? probs.filter((_: number, i: number) => mask[i] !== 0) : probs;
    const positives = checkLabels(keptLabels, metric);
    checkProbabilities(keptProbs, metric);
    if (groups) checkGroups(groups, metric);
    this.groupsSeen = hasGroups;
    this.labels.push(labels, mask);
    this.probs.push(probs, mask);
    if (groups) this.groups.push(groups, mask);
    this.positiveCount += positives;
  }

  get count(): number {
    return this.labels.length;
  }

  get positives(): number {
    return this.positiveCount;
  }

  /** Exact AUC over everything added, or undefined when one class is absent. */
  auc(): number | undefined {
    if (this.count === 0) return undefined;
    return aucOrUndefined(this.labels.view(), this.probs.view());
  }

  /** GAUC over everything added, or undefined without groups or samples. */
  gauc(): GaucResult | undefined {
    if (this.count === 0 || !this.groupsSeen) return undefined;
    return gauc(this.labels.view(), this.probs.view(), this.groups.view());
  }

  logloss(): number | undefined {
    if (this.count === 0) return undefined;
    return weightedLogloss(this.labels.view(), this.probs.view());
  }

  /** Copies of the accumulated arrays (for bootstrap CIs or saving predictions). */
  values(): { labels: Float64Array; probs: Float64Array; groups: Float64Array | undefined } {
    return {
      labels: this.labels.view().slice(),
      probs: this.probs.view().slice(),
      groups: this.groupsSeen ? this.groups.view().slice() : undefined,
    };
  }

  /** Smallest and largest probability added (the sample space only), or null without samples. */
  predictionRange(): { min: number; max: number } | null {
    if (this.count === 0) return null;
    const probs = this.probs.view();
    let min = probs[0]!;
    let max = min;
    for (let i = 1; i < probs.length; i++) {
      const value = probs[i]!;
      if (value < min) min = value;
      else if (value > max) max = value;
    }
    return { min, max };
  }

  result(): TaskMetrics {
    const aucValue = this.auc();
    const range = this.predictionRange();
    const gaucValue = this.gauc();
    const loglossValue = this.logloss();
    const gaucDefined = gaucValue !== undefined && !Number.isNaN(gaucValue.value);
    return {
      task: this.task,
      count: this.count,
      positives: this.positives,
      auc: aucValue ?? null,
      gauc: gaucDefined ? gaucValue.value : null,
      gaucGroupsUsed: gaucValue?.groupsUsed ?? 0,
      gaucGroupsSkipped: gaucValue?.groupsSkipped ?? 0,
      logloss: loglossValue ?? null,
      minPrediction: range?.min ?? null,
      maxPrediction: range?.max ?? null,
    };
  }
}
