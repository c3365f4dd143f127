/**
 * One embedding table: its row values and optimizer slots by block (table-storage.ts), lazy
 * initialisation of rows on first touch from a counter-based hash of (seed, table, row)
 * (row-initializer.ts), and the gathers. Row 0 is padding (block 0): always zeros, never
 * initialised nor updated.
 */
import { DataError } from '@dtrn/base';
import type { EmbeddingInitializerArgs, EmbeddingTableSpec, ResolvedSparseOptimizer } from './config.js';
import { initializeRow } from './row-initializer.js';
import {
  bitOf,
  forEachSetBit,
  isSharedBuffer,
  popCount,
  slotNames,
  slotStride,
  type TableStorage,
} from './table-storage.js';

export {
  allocateTableStorage,
  isSharedBuffer,
  slotNames,
  slotStride,
  type TableStorage,
} from './table-storage.js';

export class EmbeddingTable {
  readonly name: string;
  readonly rows: number;
  readonly dim: number;
  /** Floats per block in `slots`: dim * slotCount. */
  readonly slotStride: number;
  readonly slotCount: number;
  /** [rows * dim] values by block; block 0 (padding) stays zero. */
  readonly values: Float32Array;
  /** [rows * slotStride] optimizer slots by block. */
  readonly slots: Float32Array;
  /**
   * Bit r (byte r >> 3, bit r & 7) set once row r holds its initial (or a later) value. Row 0
   * counts as initialised. A byte view of `initializedWords`.
   */
  readonly initialized: Uint8Array;
  /** The same bitset as 32-bit words, read and set with Atomics (see `ensureRow`). */
  readonly initializedWords: Int32Array;
  /** Placed tables: block + 1 of each row (see table-storage.ts); null when row r is block r. */
  readonly blockOfRow: Int32Array | null;
  readonly nextBlock: Int32Array | null;
  /** True when the storage is on SharedArrayBuffer (other threads may initialise rows). */
  readonly shared: boolean;
  /** Rows this thread initialised (plus padding); exact for a table no other thread writes. */
  private initializedCount = 1;

  constructor(
    spec: EmbeddingTableSpec,
    private readonly optimizer: ResolvedSparseOptimizer,
    private readonly initializer: Required<EmbeddingInitializerArgs>,
    private readonly seed: number,
    storage: TableStorage,
  ) {
    this.name = spec.name;
    this.rows = spec.rows;
    this.dim = spec.dim;
    this.slotCount = slotNames(optimizer).length;
    this.slotStride = slotStride(spec.dim, optimizer);
    this.values = storage.values;
    this.slots = storage.slots;
    this.initializedWords = storage.initializedWords;
    this.blockOfRow = storage.blockOfRow;
    this.nextBlock = storage.nextBlock;
    this.shared = isSharedBuffer(storage.values.buffer);
    this.initialized = new Uint8Array(this.initializedWords.buffer, 0, Math.ceil(spec.rows / 8));
    Atomics.or(this.initializedWords, 0, bitOf(0));
    if (this.blockOfRow && this.nextBlock && Atomics.load(this.blockOfRow, 0) === 0) {
      // Padding: block 0. (An adopted shared table already has it.)
      Atomics.store(this.blockOfRow, 0, 1);
      Atomics.store(this.nextBlock, 0, 1);
    }
    if (this.shared) this.initializedCount = this.countInitialized();
  }

  /**
   * Rows initialised so far (padding included). Shared tables count the bitset (O(rows / 32)),
   * since other threads initialise rows too.
   */
  get initializedRows(): number {
    return this.shared ? this.countInitialized() : this.initializedCount;
  }

  /** Bytes allocated for blocks, bitset and index (resident memory grows only with touched pages). */
  get memoryBytes(): number {
    return (
      this.values.byteLength +
      this.slots.byteLength +
      this.initializedWords.byteLength +
      (this.blockOfRow?.byteLength ?? 0) +
      (this.nextBlock?.byteLength ?? 0)
    );
  }

  /** Stored parameters: rows * dim, padding row included. */
  get parameterCount(): number {
    return this.rows * this.dim;
  }

  isInitialized(row: number): boolean {
    return (Atomics.load(this.initializedWords, row >>> 5) & bitOf(row)) !== 0;
  }

  /**
   * The block of `row`, initialising the row first if it is new (its values, and for Adagrad its
   * accumulator; Adam moments start at zero). Thread-safe on shared storage: the bit (and a placed
   * row's index entry) is set with Atomics only AFTER the block is written, so a thread that sees it
   * also sees the row. In a table without placement two threads may both initialise a new row:
   * harmless, since a row's initial values depend only on (seed, table, row). In a placed table one
   * thread claims the row (compareExchange) and the other waits for its block. What callers must
   * ensure is that no thread UPDATES a row while another may still be initialising it (fitParallel
   * separates its read and update phases by a barrier).
   */
  ensureRow(row: number): number {
    const index = this.blockOfRow;
    if (index === null) {
      if ((Atomics.load(this.initializedWords, row >>> 5) & bitOf(row)) === 0) this.writeInitial(row, row);
      return row;
    }
    const placed = Atomics.load(index, row);
    return placed > 0 ? placed - 1 : this.place(row);
  }

  /** Initialises every row (O(rows)); used before exporting the whole table. */
  ensureAllRows(): void {
    for (let row = 1; row < this.rows; row++) this.ensureRow(row);
  }

  /**
   * Part `part` of every row (0: values, 1 + s: slot s) as a new [rows * dim] array. Rows never
   * initialised read as zeros, so only initialised rows are copied.
   */
  readPart(part: number): Float32Array {
    const dim = this.dim;
    const out = new Float32Array(this.rows * dim);
    forEachSetBit(this.initializedWords, this.rows, (row) => {
      const [array, from] = this.partAt(part, this.blockOf(row));
      out.set(array.subarray(from, from + dim), row * dim);
    });
    return out;
  }

  /** Writes part `part` of every row from `values` ([rows * dim]), initialising every row first. */
  writePart(part: number, values: Float32Array): void {
    const dim = this.dim;
    this.ensureAllRows();
    for (let row = 1; row < this.rows; row++) {
      const [array, to] = this.partAt(part, this.blockOf(row));
      array.set(values.subarray(row * dim, (row + 1) * dim), to);
    }
  }

  /**
   * Replaces every row, slot and the bitset with a state's: per-part arrays ([rows * dim] each:
   * values, then slots) and its bitset. Rows initialised here before are cleared; only the
   * state's initialised rows are written, so a state with few rows commits few pages.
   */
  restore(parts: readonly Float32Array[], initialized: Uint8Array): void {
    const dim = this.dim;
    this.clearRows();
    const incoming = new Int32Array(this.initializedWords.length);
    new Uint8Array(incoming.buffer).set(initialized.subarray(0, this.initialized.length));
    forEachSetBit(incoming, this.rows, (row) => {
      if (row === 0) return;
      const block = this.claimBlock(row);
      parts.forEach((values, part) => {
        const [array, to] = this.partAt(part, block);
        array.set(values.subarray(row * dim, (row + 1) * dim), to);
      });
      this.publish(row, block);
    });
    this.recountInitialized();
  }

  /**
   * Copies every initialised row (values and slots) into `target`, a table of the same shape and
   * optimizer whose rows are all uninitialised: O(initialised rows + rows / 32).
   */
  copyInitializedRowsTo(target: EmbeddingTable): void {
    const { dim, slotStride } = this;
    forEachSetBit(this.initializedWords, this.rows, (row) => {
      if (row === 0) return;
      const from = this.blockOf(row);
      const block = target.claimBlock(row);
      target.values.set(this.values.subarray(from * dim, (from + 1) * dim), block * dim);
      target.slots.set(this.slots.subarray(from * slotStride, (from + 1) * slotStride), block * slotStride);
      target.publish(row, block);
    });
    target.recountInitialized();
  }

  /** Recounts initialised rows after the bitset was replaced (state restore). */
  recountInitialized(): void {
    this.initializedCount = this.countInitialized();
  }

  /**
   * Copies the rows of `ids` into `out`: row `ids[i]` goes to `out[outOffset + i * outStride ..
   * + dim)`; id 0 writes zeros. New rows are initialised first. Ids and bounds must be validated
   * by the caller. Every occurrence is copied straight from the table (a per-id dedup hash cost
   * more than the repeated reads it saves, at 10^4 and at 10^7 rows).
   */
  gatherInto(ids: Int32Array, out: Float32Array, outOffset: number, outStride: number): void {
    const { dim, values } = this;
    for (let i = 0; i < ids.length; i++) {
      const row = ids[i]!;
      const target = outOffset + i * outStride;
      if (row === 0) {
        for (let j = 0; j < dim; j++) out[target + j] = 0;
        continue;
      }
      const from = this.readyBlock(row) * dim;
      for (let j = 0; j < dim; j++) out[target + j] = values[from + j]!;
    }
  }

  /**
   * Adds the rows of `ids` into `out`: row `ids[i]` is added to `out[outOffset + segments[i] *
   * outStride .. + dim)`, in the order of `ids` (float32 sums, as a running `+=` on `out`); id 0
   * adds nothing. New rows are initialised first. Validated by the caller.
   */
  gatherSumInto(
    ids: Int32Array,
    segments: Int32Array,
    out: Float32Array,
    outOffset: number,
    outStride: number,
  ): void {
    const { dim, values } = this;
    for (let i = 0; i < ids.length; i++) {
      const row = ids[i]!;
      if (row === 0) continue;
      const from = this.readyBlock(row) * dim;
      const target = outOffset + segments[i]! * outStride;
      for (let j = 0; j < dim; j++) out[target + j] = out[target + j]! + values[from + j]!;
    }
  }

  /**
   * `ensureRow(row)` with the common case (the row is initialised) checked inline: small enough
   * for the compiler to inline into the gather loops.
   */
  private readyBlock(row: number): number {
    const index = this.blockOfRow;
    if (index === null) {
      return (Atomics.load(this.initializedWords, row >>> 5) & bitOf(row)) !== 0 ? row : this.ensureRow(row);
    }
    const placed = Atomics.load(index, row);
    return placed > 0 ? placed - 1 : this.ensureRow(row);
  }

  /** Block of an initialised row (no initialisation). */
  private blockOf(row: number): number {
    return this.blockOfRow === null ? row : Atomics.load(this.blockOfRow, row) - 1;
  }

  /** The array and offset of part `part` (0: values, 1 + s: slot s) of `block`. */
  private partAt(part: number, block: number): [Float32Array, number] {
    return part === 0
      ? [this.values, block * this.dim]
      : [this.slots, block * this.slotStride + (part - 1) * this.dim];
  }

  /** Placed tables: gives a new row a block (or waits for the thread placing it); returns the block. */
  private place(row: number): number {
    const index = this.blockOfRow!;
    if (Atomics.compareExchange(index, row, 0, -1) === 0) {
      const block = Atomics.add(this.nextBlock!, 0, 1);
      this.writeInitial(row, block);
      return block;
    }
    let placed = Atomics.load(index, row);
    while (placed <= 0) placed = Atomics.load(index, row); // another thread is writing its block
    return placed - 1;
  }

  /** Writes the initial values of `row` into `block` and publishes it (bit, index entry). */
  private writeInitial(row: number, block: number): void {
    initializeRow(this.values, block * this.dim, this.dim, this.seed, row, this.initializer);
    if (this.optimizer.kind === 'adagrad') {
      const from = block * this.slotStride;
      this.slots.fill(this.optimizer.initialAccumulator, from, from + this.dim);
    }
    this.publish(row, block);
    this.initializedCount++;
  }

  /** Marks `row` initialised with its values and slots in `block` (after they are written). */
  private publish(row: number, block: number): void {
    if (this.blockOfRow !== null) Atomics.store(this.blockOfRow, row, block + 1);
    Atomics.or(this.initializedWords, row >>> 5, bitOf(row));
  }

  /** The block a row being restored or copied in goes to (the next free one in a placed table). */
  private claimBlock(row: number): number {
    if (this.blockOfRow === null) return row;
    Atomics.store(this.blockOfRow, row, -1);
    return Atomics.add(this.nextBlock!, 0, 1);
  }

  /** Uninitialises every row: zero blocks, empty bitset (padding kept), empty index. */
  private clearRows(): void {
    const { dim, slotStride } = this;
    const index = this.blockOfRow;
    if (index === null) {
      forEachSetBit(this.initializedWords, this.rows, (row) => {
        this.values.fill(0, row * dim, (row + 1) * dim);
        this.slots.fill(0, row * slotStride, (row + 1) * slotStride);
      });
    } else {
      forEachSetBit(this.initializedWords, this.rows, (row) => {
        if (row !== 0) Atomics.store(index, row, 0);
      });
      const used = Atomics.load(this.nextBlock!, 0);
      this.values.fill(0, dim, used * dim);
      this.slots.fill(0, slotStride, used * slotStride);
      Atomics.store(this.nextBlock!, 0, 1);
    }
    for (let w = 0; w < this.initializedWords.length; w++) Atomics.store(this.initializedWords, w, 0);
    Atomics.or(this.initializedWords, 0, bitOf(0));
  }

  /** Set bits of the bitset (bits past `rows` are never set). */
  private countInitialized(): number {
    const words = this.initializedWords;
    let count = 0;
    for (let i = 0; i < words.length; i++) count += popCount(Atomics.load(words, i));
    return count;
  }
}

/** Throws a DataError naming table, position and id unless every id is a row of `table`. */
export function checkRowIds(table: EmbeddingTable, ids: Int32Array, method: string): void {
  if (!(ids instanceof Int32Array)) {
    throw new DataError(`EmbeddingBank.${method}: ids of table ${table.name} must be an Int32Array`, {
      found: ids,
    });
  }
  const rows = table.rows;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= rows) {
      throw new DataError(`EmbeddingBank.${method}: id out of range`, {
        where: { field: table.name, index: i },
        expected: `a row in [0, ${rows})`,
        found: id,
      });
    }
  }
}
