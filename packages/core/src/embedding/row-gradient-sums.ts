/**
 * Sums the gradients of duplicate ids into one gradient per distinct row, in O(ids) per step.
 *
 * A per-table index `slotPlusOne[row]` (0 = row not yet seen this step) maps rows to their slot in
 * a compact list; after the step only the touched entries are reset, so no per-step work scales
 * with the vocabulary. The index is allocated zero-filled on first use (rows * 4 bytes of address
 * space; resident memory grows only with the pages touched rows fall on).
 */
export class RowGradientSums {
  private slotPlusOne: Int32Array | undefined;
  /** Distinct rows of this step, in first-seen order; valid up to `count`. */
  touched: Int32Array = new Int32Array(1024);
  /** [count * dim] summed gradients, aligned with `touched`. Float64 so long sums lose nothing. */
  sums: Float64Array;
  count = 0;

  constructor(
    private readonly rows: number,
    private readonly dim: number,
  ) {
    this.sums = new Float64Array(1024 * dim);
  }

  /** Adds `gradients` ([ids.length * dim]) row by row; id 0 (padding) is skipped. */
  add(ids: Int32Array, gradients: Float32Array): void {
    if (!this.slotPlusOne) this.slotPlusOne = new Int32Array(this.rows);
    const index = this.slotPlusOne;
    const dim = this.dim;
    for (let i = 0; i < ids.length; i++) {
      const row = ids[i]!;
      if (row === 0) continue;
      let slot = index[row]! - 1;
      if (slot < 0) {
        slot = this.count++;
        if (slot >= this.touched.length) this.grow();
        index[row] = slot + 1;
        this.touched[slot] = row;
        const base = slot * dim;
        this.sums.fill(0, base, base + dim);
      }
      const target = slot * dim;
      const source = i * dim;
      const sums = this.sums;
      for (let j = 0; j < dim; j++) sums[target + j]! += gradients[source + j]!;
    }
  }

  /** Forgets this step's rows (O(rows touched)). */
  clear(): void {
    const index = this.slotPlusOne;
    if (index) for (let slot = 0; slot < this.count; slot++) index[this.touched[slot]!] = 0;
    this.count = 0;
  }

  private grow(): void {
    const capacity = this.touched.length * 2;
    const touched = new Int32Array(capacity);
    touched.set(this.touched);
    this.touched = touched;
    const sums = new Float64Array(capacity * this.dim);
    sums.set(this.sums);
    this.sums = sums;
  }
}
