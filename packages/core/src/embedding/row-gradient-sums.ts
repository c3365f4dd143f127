/**
 * Sums the gradients of duplicate ids into one gradient per distinct row, in O(ids) per step.
 *
 * Rows map to their slot in a compact list through an open-addressing hash table (linear probing)
 * sized to the rows touched per step, not to the vocabulary: it stays cache-resident however large
 * the table is, and clearing it costs O(rows touched).
 */
const EMPTY = 0; // row 0 (padding) is never inserted, so 0 marks an empty bucket

export class RowGradientSums {
  /** Bucket -> row (EMPTY when free); power-of-two size, at most half full. */
  private keys = new Int32Array(4096);
  /** Bucket -> slot in `touched`. */
  private values = new Int32Array(4096);
  /** Distinct rows of this step, in first-seen order; valid up to `count`. */
  touched: Int32Array = new Int32Array(2048);
  /** [count * dim] summed gradients, aligned with `touched`. Float64 so long sums lose nothing. */
  sums: Float64Array;
  count = 0;

  constructor(private readonly dim: number) {
    this.sums = new Float64Array(2048 * dim);
  }

  /** Adds `gradients` ([ids.length * dim]) row by row; id 0 (padding) is skipped. */
  add(ids: Int32Array, gradients: Float32Array): void {
    const dim = this.dim;
    for (let i = 0; i < ids.length; i++) {
      const row = ids[i]!;
      if (row === 0) continue;
      const slot = this.slotOf(row);
      const target = slot * dim;
      const source = i * dim;
      const sums = this.sums;
      for (let j = 0; j < dim; j++) sums[target + j]! += gradients[source + j]!;
    }
  }

  /** The slot of `row`, inserting it (with zeroed sums) when new. */
  private slotOf(row: number): number {
    let keys = this.keys;
    let mask = keys.length - 1;
    let bucket = (Math.imul(row, 0x9e3779b1) >>> 0) & mask;
    for (;;) {
      const key = keys[bucket]!;
      if (key === row) return this.values[bucket]!;
      if (key === EMPTY) break;
      bucket = (bucket + 1) & mask;
    }
    const slot = this.count++;
    if (slot >= this.touched.length) this.growList();
    this.touched[slot] = row;
    this.sums.fill(0, slot * this.dim, (slot + 1) * this.dim);
    if (2 * this.count > keys.length) {
      this.rehash(keys.length * 2);
      keys = this.keys;
      mask = keys.length - 1;
      bucket = (Math.imul(row, 0x9e3779b1) >>> 0) & mask;
      while (keys[bucket] !== EMPTY) bucket = (bucket + 1) & mask;
    }
    keys[bucket] = row;
    this.values[bucket] = slot;
    return slot;
  }

  private rehash(size: number): void {
    const keys = new Int32Array(size);
    const values = new Int32Array(size);
    const mask = size - 1;
    for (let slot = 0; slot < this.count - 1; slot++) {
      const row = this.touched[slot]!;
      let bucket = (Math.imul(row, 0x9e3779b1) >>> 0) & mask;
      while (keys[bucket] !== EMPTY) bucket = (bucket + 1) & mask;
      keys[bucket] = row;
      values[bucket] = slot;
    }
    this.keys = keys;
    this.values = values;
  }

  /** Forgets this step's rows: O(hash table size), which tracks the rows touched per step. */
  clear(): void {
    if (this.count > 0) this.keys.fill(EMPTY);
    this.count = 0;
  }

  private growList(): void {
    const capacity = this.touched.length * 2;
    const touched = new Int32Array(capacity);
    touched.set(this.touched);
    this.touched = touched;
    const sums = new Float64Array(capacity * this.dim);
    sums.set(this.sums);
    this.sums = sums;
  }
}
