/**
 * Maps the distinct rows of one step to dense slots 0, 1, 2, ... in first-seen order, through an
 * open-addressing hash table (linear probing, at most half full) sized to the rows a step touches,
 * not to the vocabulary: it stays cache-resident however large a table is, and `clear` costs
 * O(table size), which tracks the largest step. Row 0 (padding) is never inserted.
 */
const EMPTY = 0;
const HASH_MULTIPLIER = 0x9e3779b1;

export class RowSlotMap {
  /** Bucket -> row, EMPTY when free; power-of-two size. */
  private keys = new Int32Array(4096);
  /** Bucket -> slot. */
  private slotOfBucket = new Int32Array(4096);
  /** Slot -> row, valid up to `count`. */
  rows: Int32Array = new Int32Array(2048);
  /** Distinct rows inserted since the last `clear`. */
  count = 0;

  /** The slot of `row`, inserting it at slot `count` when new (compare `count` before and after). */
  slotOf(row: number): number {
    let keys = this.keys;
    let mask = keys.length - 1;
    let bucket = (Math.imul(row, HASH_MULTIPLIER) >>> 0) & mask;
    for (;;) {
      const key = keys[bucket]!;
      if (key === row) return this.slotOfBucket[bucket]!;
      if (key === EMPTY) break;
      bucket = (bucket + 1) & mask;
    }
    const slot = this.count++;
    if (slot >= this.rows.length) {
      const grown = new Int32Array(this.rows.length * 2);
      grown.set(this.rows);
      this.rows = grown;
    }
    this.rows[slot] = row;
    if (2 * this.count > keys.length) {
      this.rehash(keys.length * 2);
      keys = this.keys;
      mask = keys.length - 1;
      bucket = (Math.imul(row, HASH_MULTIPLIER) >>> 0) & mask;
      while (keys[bucket] !== EMPTY) bucket = (bucket + 1) & mask;
    }
    keys[bucket] = row;
    this.slotOfBucket[bucket] = slot;
    return slot;
  }

  /** Forgets every row. */
  clear(): void {
    if (this.count > 0) this.keys.fill(EMPTY);
    this.count = 0;
  }

  /** Re-inserts every row but the newest (the caller inserts it next) into a table of `size` buckets. */
  private rehash(size: number): void {
    const keys = new Int32Array(size);
    const slotOfBucket = new Int32Array(size);
    const mask = size - 1;
    for (let slot = 0; slot < this.count - 1; slot++) {
      const row = this.rows[slot]!;
      let bucket = (Math.imul(row, HASH_MULTIPLIER) >>> 0) & mask;
      while (keys[bucket] !== EMPTY) bucket = (bucket + 1) & mask;
      keys[bucket] = row;
      slotOfBucket[bucket] = slot;
    }
    this.keys = keys;
    this.slotOfBucket = slotOfBucket;
  }
}
