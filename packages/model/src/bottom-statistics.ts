/**
 * Streaming statistics of `analyseBottom`, in float64 on plain arrays: each batch adds a few small
 * tensors read back once (sums, Gram matrices), so any number of rows costs O(D^2) memory.
 */
import * as tf from '@tensorflow/tfjs-core';

function addInto(target: Float64Array, values: ArrayLike<number>): void {
  for (let i = 0; i < target.length; i++) target[i]! += values[i]!;
}

/**
 * Linear CKA (Kornblith et al. 2019) and mean row cosine between every pair of K representations
 * [B, D] of the same rows, streamed over batches:
 * CKA(X, Y) = ||Xc^T Yc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F), Xc the column-centred rows.
 */
export class PairSimilarityAccumulator {
  private rows = 0;
  private sums: Float64Array[] = [];
  /** grams[a][b] for a <= b: sum over rows of x_a x_b^T, [D * D]. */
  private grams: Float64Array[][] = [];
  private cosines: Float64Array = new Float64Array(0);
  private width = 0;

  /** Adds one batch: K tensors [B, D] of the same rows (read, not disposed). */
  add(representations: readonly tf.Tensor[]): void {
    const K = representations.length;
    const [B, D] = representations[0]!.shape as [number, number];
    if (this.rows === 0) {
      this.width = D;
      this.sums = representations.map(() => new Float64Array(D));
      this.grams = representations.map((_, a) =>
        representations.map((__, b) => new Float64Array(b >= a ? D * D : 0)),
      );
      this.cosines = new Float64Array(K * K);
    }
    tf.tidy(() => {
      representations.forEach((x, a) => {
        addInto(this.sums[a]!, tf.sum(x, 0).dataSync()); // [D]
        for (let b = a; b < K; b++) {
          const y = representations[b]!;
          addInto(this.grams[a]![b]!, tf.matMul(x, y, true, false).dataSync()); // [D, D]
          const dot = tf.sum(tf.mul(x, y), 1); // [B]
          const norms = tf.mul(tf.norm(x, 'euclidean', 1), tf.norm(y, 'euclidean', 1)); // [B]
          this.cosines[a * K + b]! += tf.sum(tf.div(dot, tf.maximum(norms, 1e-12))).dataSync()[0]!;
        }
      });
    });
    this.rows += B;
  }

  get count(): number {
    return this.rows;
  }

  /** Centred cross-covariance sum Xc_a^T Xc_b, [D * D] (a <= b). */
  private centred(a: number, b: number): Float64Array {
    const D = this.width;
    const n = this.rows;
    const out = new Float64Array(this.grams[a]![b]!);
    const sa = this.sums[a]!;
    const sb = this.sums[b]!;
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) out[i * D + j]! -= (sa[i]! * sb[j]!) / n;
    return out;
  }

  /** Linear CKA of tasks a and b (1: the same up to rotation and scale; NaN for a constant one). */
  linearCka(a: number, b: number): number {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    const frobenius2 = (m: Float64Array) => m.reduce((total, v) => total + v * v, 0);
    const cross = frobenius2(this.centred(lo, hi));
    const self = Math.sqrt(frobenius2(this.centred(lo, lo)) * frobenius2(this.centred(hi, hi)));
    return self > 0 ? cross / self : Number.NaN;
  }

  /** Mean over rows of cos(x_a, x_b). */
  meanCosine(a: number, b: number): number {
    const K = this.sums.length;
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    return this.cosines[lo * K + hi]! / this.rows;
  }
}

/**
 * Per (task, field) mean and population std of TRM weights, and how far each task's weights sit
 * from the task mean: mean over rows, fields and tasks of |a^k_i - mean_k a^k_i|.
 */
export class FieldWeightStatistics {
  private rows = 0;
  private sum: Float64Array[] = [];
  private sumSquares: Float64Array[] = [];
  private deviation = 0;
  private level = 0;

  /** Adds one batch: K tensors [B, N] (read, not disposed). */
  add(weights: readonly tf.Tensor[]): void {
    const [B, N] = weights[0]!.shape as [number, number];
    if (this.rows === 0) {
      this.sum = weights.map(() => new Float64Array(N));
      this.sumSquares = weights.map(() => new Float64Array(N));
    }
    tf.tidy(() => {
      weights.forEach((w, k) => {
        addInto(this.sum[k]!, tf.sum(w, 0).dataSync()); // [N]
        addInto(this.sumSquares[k]!, tf.sum(tf.square(w), 0).dataSync()); // [N]
      });
      const mean = tf.div(tf.addN(weights as tf.Tensor[]), weights.length); // [B, N]
      this.deviation += tf.sum(tf.addN(weights.map((w) => tf.abs(tf.sub(w, mean))))).dataSync()[0]!;
      this.level += tf.sum(mean).dataSync()[0]!;
    });
    this.rows += B;
  }

  summary(): { mean: number[][]; std: number[][]; taskDeviation: number; relativeTaskDeviation: number } {
    const n = this.rows;
    const mean = this.sum.map((row) => Array.from(row, (v) => v / n));
    const std = this.sumSquares.map((row, k) =>
      Array.from(row, (v, i) => Math.sqrt(Math.max(0, v / n - mean[k]![i]! ** 2))),
    );
    const cells = n * (mean[0]?.length ?? 0);
    const taskDeviation = this.deviation / (cells * this.sum.length);
    return { mean, std, taskDeviation, relativeTaskDeviation: taskDeviation / (this.level / cells) };
  }
}

/**
 * How far the K task interests of each behavior sit from their mean, relative to the mean's size:
 * sqrt(sum_rows mean_k ||u_k - u_bar||^2 / sum_rows ||u_bar||^2). 0: TIM gives every task the same
 * interest.
 */
export class InterestSpreadAccumulator {
  private spread: Float64Array = new Float64Array(0);
  private level: Float64Array = new Float64Array(0);

  /** Adds one batch: K x M tensors [B, d] (read, not disposed). */
  add(interests: readonly (readonly tf.Tensor[])[]): void {
    const M = interests[0]!.length;
    if (this.spread.length === 0) {
      this.spread = new Float64Array(M);
      this.level = new Float64Array(M);
    }
    tf.tidy(() => {
      for (let m = 0; m < M; m++) {
        const perTask = interests.map((row) => row[m]!); // K x [B, d]
        const mean = tf.div(tf.addN(perTask), perTask.length); // [B, d]
        const squared = perTask.map((u) => tf.sum(tf.square(tf.sub(u, mean))));
        this.spread[m]! += tf.div(tf.addN(squared), perTask.length).dataSync()[0]!;
        this.level[m]! += tf.sum(tf.square(mean)).dataSync()[0]!;
      }
    });
  }

  relative(): number[] {
    return Array.from(this.spread, (s, m) => Math.sqrt(s / this.level[m]!));
  }
}

/** Root mean square of `values` minus `base`. */
export function rms(values: ArrayLike<number>, base = 0): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += (values[i]! - base) ** 2;
  return Math.sqrt(total / Math.max(values.length, 1));
}
