/**
 * Sums the gradients of duplicate ids into one gradient per distinct row, in O(ids) per step, with
 * memory that tracks the rows touched per step rather than the vocabulary: distinct rows get dense
 * slots 0, 1, 2, ... in first-seen order through an open-addressing hash table (linear probing, at
 * most half full) sized to the rows a step touches, so it stays cache-resident however large a
 * table is. Row 0 (padding) is never inserted.
 */
import type { ResolvedUpdate } from './gradient-updates.js';

const EMPTY = 0;
const HASH_MULTIPLIER = 0x9e3779b1;

export class RowGradientSums {
  /** Bucket -> row, EMPTY when free; power-of-two size. */
  private keys = new Int32Array(4096);
  /** Bucket -> slot. */
  private slotOfBucket = new Int32Array(4096);
  /** Slot -> row, valid up to `count`. */
  touched: Int32Array = new Int32Array(2048);
  /** Slot -> the row's block in its table (filled by the bank before the optimizer step). */
  blocks: Int32Array = new Int32Array(2048);
  /** [capacity * dim] summed gradients, aligned with `touched`. Float64 so long sums lose nothing. */
  sums: Float64Array;
  /** Distinct rows since the last `clear`. */
  count = 0;

  constructor(private readonly dim: number) {
    this.sums = new Float64Array(2048 * dim);
  }

  /**
   * Adds one update's gradients row by row (id i's gradient is `dim` floats of `update.gradients`
   * at `offset + (gradientRows ? gradientRows[i] : i) * stride`); id 0 (padding) is skipped, and
   * so is every row outside shard `shardIndex` of `shardCount` (rows r with r % shardCount !==
   * shardIndex).
   */
  add(update: ResolvedUpdate, shardIndex = 0, shardCount = 1): void {
    const dim = this.dim;
    const { ids, gradients, gradientRows, stride, offset } = update;
    const sharded = shardCount > 1;
    // Power-of-two shard counts (2 workers) test a mask instead of dividing.
    const mask = (shardCount & (shardCount - 1)) === 0 ? shardCount - 1 : -1;
    let keys = this.keys;
    let buckets = keys.length - 1;
    let sums = this.sums;
    for (let i = 0; i < ids.length; i++) {
      const row = ids[i]!;
      if (row === 0 || (sharded && (mask >= 0 ? row & mask : row % shardCount) !== shardIndex)) continue;
      let bucket = (Math.imul(row, HASH_MULTIPLIER) >>> 0) & buckets;
      let slot = -1;
      for (;;) {
        const key = keys[bucket]!;
        if (key === row) {
          slot = this.slotOfBucket[bucket]!;
          break;
        }
        if (key === EMPTY) break;
        bucket = (bucket + 1) & buckets;
      }
      if (slot < 0) {
        slot = this.insert(row, bucket);
        keys = this.keys;
        buckets = keys.length - 1;
        sums = this.sums;
      }
      const target = slot * dim;
      const source = offset + (gradientRows === null ? i : gradientRows[i]!) * stride;
      for (let j = 0; j < dim; j++) sums[target + j]! += gradients[source + j]!;
    }
  }

  /** Forgets this step's rows. */
  clear(): void {
    if (this.count > 0) this.keys.fill(EMPTY);
    this.count = 0;
  }

  /** Gives `row` (absent; `bucket` is its free bucket) the next slot, with zero sums. */
  private insert(row: number, bucket: number): number {
    const slot = this.count++;
    if (slot >= this.touched.length) {
      const touched = new Int32Array(this.touched.length * 2);
      touched.set(this.touched);
      this.touched = touched;
      this.blocks = new Int32Array(touched.length);
      const sums = new Float64Array(this.sums.length * 2);
      sums.set(this.sums);
      this.sums = sums;
    }
    this.touched[slot] = row;
    this.sums.fill(0, slot * this.dim, (slot + 1) * this.dim);
    if (2 * this.count > this.keys.length) {
      this.rehash(this.keys.length * 2);
    } else {
      this.keys[bucket] = row;
      this.slotOfBucket[bucket] = slot;
    }
    return slot;
  }

  /** Re-inserts every row (the newest included) into a table of `size` buckets. */
  private rehash(size: number): void {
    const keys = new Int32Array(size);
    const slotOfBucket = new Int32Array(size);
    const mask = size - 1;
    for (let slot = 0; slot < this.count; slot++) {
      const row = this.touched[slot]!;
      let bucket = (Math.imul(row, HASH_MULTIPLIER) >>> 0) & mask;
      while (keys[bucket] !== EMPTY) bucket = (bucket + 1) & mask;
      keys[bucket] = row;
      slotOfBucket[bucket] = slot;
    }
    this.keys = keys;
    this.slotOfBucket = slotOfBucket;
  }
}
