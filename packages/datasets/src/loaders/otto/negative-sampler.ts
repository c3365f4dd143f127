/**
 * Draws negative candidates for an OTTO session from the item vocabulary: by training popularity
 * (probability proportional to the item's training count) or uniformly over known items. Items the
 * session interacts with after its cutoff are rejected, and so are repeats; after a bounded number
 * of attempts a session may get fewer negatives than asked (counted in the report).
 */
import type { Rng } from '@dtrn/base';
import type { Vocabulary } from '@dtrn/data';

export type NegativeSampling = 'popularity' | 'uniform';
export const NEGATIVE_SAMPLINGS: readonly NegativeSampling[] = ['popularity', 'uniform'];

export class NegativeSampler {
  private readonly cumulative: Float64Array;
  private readonly total: number;
  private readonly rawIds: Float64Array;
  private readonly firstRow: number;

  constructor(
    vocabulary: Vocabulary,
    private readonly mode: NegativeSampling,
  ) {
    const frequencies = vocabulary.counts;
    this.rawIds = Float64Array.from(vocabulary.knownIds, Number);
    this.firstRow = vocabulary.firstKnownRow;
    this.cumulative = new Float64Array(frequencies.length);
    let sum = 0;
    for (let i = 0; i < frequencies.length; i++) {
      sum += frequencies[i]!;
      this.cumulative[i] = sum;
    }
    this.total = sum;
  }

  /** Known items that can be drawn. */
  get known(): number {
    return this.rawIds.length;
  }

  private drawIndex(rng: Rng): number {
    if (this.mode === 'uniform') return rng.int(this.known);
    const target = rng.next() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.cumulative[middle]! > target) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /**
   * Writes up to `count` distinct negative rows into `out` (from index 0), none of whose raw ids is
   * in `exclude`; returns how many were drawn.
   */
  draw(rng: Rng, count: number, exclude: { has(key: number): boolean }, out: Int32Array): number {
    if (this.known === 0) return 0;
    let drawn = 0;
    const maxAttempts = 20 * count + 20;
    for (let attempt = 0; attempt < maxAttempts && drawn < count; attempt++) {
      const index = this.drawIndex(rng);
      const raw = this.rawIds[index]!;
      if (exclude.has(raw)) continue;
      const row = this.firstRow + index;
      let repeated = false;
      for (let k = 0; k < drawn; k++) if (out[k] === row) repeated = true;
      if (repeated) continue;
      out[drawn++] = row;
    }
    return drawn;
  }
}
