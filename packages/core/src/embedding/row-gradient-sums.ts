/**
 * Sums the gradients of duplicate ids into one gradient per distinct row, in O(ids) per step, with
 * memory that tracks the rows touched per step rather than the vocabulary (see RowSlotMap).
 */
import { RowSlotMap } from './row-slot-map.js';

export class RowGradientSums {
  private readonly slots = new RowSlotMap();
  /** [count * dim] summed gradients, aligned with `touched`. Float64 so long sums lose nothing. */
  sums: Float64Array;

  constructor(private readonly dim: number) {
    this.sums = new Float64Array(2048 * dim);
  }

  /** Distinct rows of this step, in first-seen order; valid up to `count`. */
  get touched(): Int32Array {
    return this.slots.rows;
  }

  get count(): number {
    return this.slots.count;
  }

  /**
   * Adds `gradients` ([ids.length * dim]) row by row; id 0 (padding) is skipped, and so is every
   * row outside shard `shardIndex` of `shardCount` (rows r with r % shardCount !== shardIndex).
   */
  add(ids: Int32Array, gradients: Float32Array, shardIndex = 0, shardCount = 1): void {
    const dim = this.dim;
    const slots = this.slots;
    const sharded = shardCount > 1;
    for (let i = 0; i < ids.length; i++) {
      const row = ids[i]!;
      if (row === 0 || (sharded && row % shardCount !== shardIndex)) continue;
      const before = slots.count;
      const slot = slots.slotOf(row);
      const target = slot * dim;
      if (slots.count !== before) {
        if (target + dim > this.sums.length) this.grow();
        this.sums.fill(0, target, target + dim);
      }
      const source = i * dim;
      const sums = this.sums;
      for (let j = 0; j < dim; j++) sums[target + j]! += gradients[source + j]!;
    }
  }

  /** Forgets this step's rows. */
  clear(): void {
    this.slots.clear();
  }

  private grow(): void {
    const sums = new Float64Array(this.sums.length * 2);
    sums.set(this.sums);
    this.sums = sums;
  }
}
