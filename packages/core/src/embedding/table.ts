/**
 * One embedding table's storage: rows and per-row optimizer slots in flat Float32Arrays
 * ([rows * dim] each, row-major), and a bitset of the rows initialised so far.
 *
 * Rows are initialised lazily, on first touch (lookup or update), from their own seeded stream
 * (row-initializer.ts). The arrays are allocated zero-filled up front; operating systems commit
 * such memory page by page on first write, so a 10^7-row table costs resident memory only for the
 * pages its touched rows live on. Row 0 is padding: always zeros, never initialised nor updated.
 */
import { DataError } from '@dtrn/base';
import type { EmbeddingInitializerArgs, EmbeddingTableSpec, ResolvedSparseOptimizer } from './config.js';
import { initializeRow } from './row-initializer.js';

/** Names of the per-row optimizer slots, in storage order. */
export function slotNames(optimizer: ResolvedSparseOptimizer): readonly string[] {
  return optimizer.kind === 'adam' ? ['m', 'v'] : ['accumulator'];
}

/** Allocates a zero-filled Float32Array, on SharedArrayBuffer when asked and available. */
export function allocateFloat32(length: number, shared: boolean): Float32Array {
  return shared ? new Float32Array(new SharedArrayBuffer(length * 4)) : new Float32Array(length);
}

/** True for a SharedArrayBuffer (false where the global does not exist). */
export function isSharedBuffer(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer;
}

/**
 * The buffers of one table: rows, optimizer slots and the initialised-rows bitset. On
 * SharedArrayBuffer they can back tables in several threads at once (EmbeddingBank.fromShared).
 */
export interface TableStorage {
  /** [rows * dim] */
  readonly values: Float32Array;
  /** Each [rows * dim], in `slotNames` order. */
  readonly slots: readonly Float32Array[];
  /** [ceil(rows / 32)] words of the initialised-rows bitset (see `bitOf`). */
  readonly initializedWords: Int32Array;
}

/** Zero-filled storage of a table, on SharedArrayBuffer when `shared`. */
export function allocateTableStorage(
  spec: EmbeddingTableSpec,
  optimizer: ResolvedSparseOptimizer,
  shared: boolean,
): TableStorage {
  const length = spec.rows * spec.dim;
  const words = Math.ceil(spec.rows / 32);
  return {
    values: allocateFloat32(length, shared),
    slots: slotNames(optimizer).map(() => allocateFloat32(length, shared)),
    initializedWords: shared ? new Int32Array(new SharedArrayBuffer(4 * words)) : new Int32Array(words),
  };
}

/**
 * The bitset's state format is bytes: bit r is bit (r & 7) of byte r >> 3. The table keeps it in
 * 32-bit words (Atomics work on Int32Array) whose bytes are those bytes, so the word bit of row r
 * depends on the platform's byte order (on little-endian platforms, all current JS engines, it is
 * r & 31).
 */
const BYTE_SWAP = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1 ? 0 : 3;

/** Mask of row `row` in word `row >>> 5` of the bitset. */
function bitOf(row: number): number {
  return 1 << (((((row >>> 3) & 3) ^ BYTE_SWAP) << 3) | (row & 7));
}

/** Set bits of a 32-bit word. */
function popCount(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export class EmbeddingTable {
  readonly name: string;
  readonly rows: number;
  readonly dim: number;
  /** [rows * dim] row values; row 0 stays zero. */
  readonly values: Float32Array;
  /** Optimizer slots, each [rows * dim], named by `slotNames`. */
  readonly slots: readonly Float32Array[];
  /**
   * Bit r (byte r >> 3, bit r & 7) set once row r holds its initial (or a later) value. Row 0
   * counts as initialised. A byte view of `initializedWords`.
   */
  readonly initialized: Uint8Array;
  /**
   * The same bitset as 32-bit words, read and set with Atomics: several threads may initialise
   * rows of one shared table concurrently (see `ensureRow`).
   */
  readonly initializedWords: Int32Array;
  /** True when the storage is on SharedArrayBuffer (other threads may set bits). */
  readonly shared: boolean;
  /** Rows this thread initialised (plus padding); exact for a table no other thread writes. */
  private initializedCount = 1;
  /** Distinct rows of the current gather and their values (scratch, sized to a batch). */

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
    this.values = storage.values;
    this.slots = storage.slots;
    this.initializedWords = storage.initializedWords;
    this.shared = isSharedBuffer(storage.values.buffer);
    this.initialized = new Uint8Array(this.initializedWords.buffer, 0, Math.ceil(spec.rows / 8));
    Atomics.or(this.initializedWords, 0, bitOf(0));
    if (this.shared) this.initializedCount = this.countInitialized();
  }

  /**
   * Rows initialised so far (padding included). Shared tables count the bitset (O(rows / 32)),
   * since other threads initialise rows too.
   */
  get initializedRows(): number {
    return this.shared ? this.countInitialized() : this.initializedCount;
  }

  /** Bytes allocated for rows, slots and the bitset (resident memory grows only with touched pages). */
  get memoryBytes(): number {
    return this.values.byteLength * (1 + this.slots.length) + this.initializedWords.byteLength;
  }

  /** Stored parameters: rows * dim, padding row included. */
  get parameterCount(): number {
    return this.rows * this.dim;
  }

  isInitialized(row: number): boolean {
    return (Atomics.load(this.initializedWords, row >>> 5) & bitOf(row)) !== 0;
  }

  /**
   * Initialises `row` (values and slots) unless it already is. The bit is tested with
   * `Atomics.load` and set with `Atomics.or` only AFTER the row is written, so a thread that sees
   * the bit also sees the row. Two threads may both find the bit clear and both initialise the row:
   * harmless, because a row's initial values depend only on (seed, table, row), so both write the
   * same numbers (and Atomics.or never clears another row's bit). What callers must ensure is that
   * no thread UPDATES a row while another may still be initialising it (fitParallel separates its
   * read and update phases by a barrier).
   */
  ensureRow(row: number): void {
    const word = row >>> 5;
    const bit = bitOf(row);
    if ((Atomics.load(this.initializedWords, word) & bit) !== 0) return;
    const offset = row * this.dim;
    initializeRow(this.values, offset, this.dim, this.seed, row, this.initializer);
    if (this.optimizer.kind === 'adagrad') {
      this.slots[0]!.fill(this.optimizer.initialAccumulator, offset, offset + this.dim);
    }
    Atomics.or(this.initializedWords, word, bit);
    this.initializedCount++;
  }

  /** Initialises every row (O(rows)); used before exporting the whole table. */
  ensureAllRows(): void {
    for (let row = 1; row < this.rows; row++) this.ensureRow(row);
  }

  /**
   * Copies every initialised row (values and slots) and the bitset into `target`, a table of the
   * same shape and optimizer whose rows are all uninitialised: O(initialised rows + rows / 32).
   */
  copyInitializedRowsTo(target: EmbeddingTable): void {
    const dim = this.dim;
    const words = this.initializedWords;
    for (let w = 0; w < words.length; w++) {
      const word = Atomics.load(words, w);
      if (word === 0) continue;
      const end = Math.min(this.rows, (w + 1) * 32);
      for (let row = w * 32; row < end; row++) {
        if ((word & bitOf(row)) === 0) continue;
        const from = row * dim;
        target.values.set(this.values.subarray(from, from + dim), from);
        this.slots.forEach((slot, s) => {
          target.slots[s]!.set(slot.subarray(from, from + dim), from);
        });
      }
      Atomics.store(target.initializedWords, w, word);
    }
    target.recountInitialized();
  }

  /** Recounts initialised rows after the bitset was replaced (state restore). */
  recountInitialized(): void {
    this.initializedCount = this.countInitialized();
  }

  /** Set bits of the bitset (bits past `rows` are never set). */
  private countInitialized(): number {
    const words = this.initializedWords;
    let count = 0;
    for (let i = 0; i < words.length; i++) count += popCount(Atomics.load(words, i));
    return count;
  }

  /**
   * Copies the rows of `ids` into `out` starting at `outOffset` (ids.length * dim values),
   * initialising untouched rows first. Ids must be validated by the caller.
   *
   * Every occurrence is copied straight from the table. (An earlier version read each distinct row
   * once into a compact buffer to spare repeated cache misses on huge tables; its hash lookup per
   * id cost more than it saved, at 10^4 and at 10^7 rows, Zipf and uniform ids alike.)
   */
  gatherInto(ids: Int32Array, out: Float32Array, outOffset: number): void {
    const dim = this.dim;
    const values = this.values;
    const words = this.initializedWords;
    for (let i = 0; i < ids.length; i++) {
      const row = ids[i]!;
      const target = outOffset + i * dim;
      if (row === 0) {
        out.fill(0, target, target + dim);
        continue;
      }
      if ((Atomics.load(words, row >>> 5) & bitOf(row)) === 0) this.ensureRow(row);
      const from = row * dim;
      for (let j = 0; j < dim; j++) out[target + j] = values[from + j]!;
    }
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
