/**
 * The buffers of one embedding table and the bitset helpers.
 *
 * A table keeps its rows' values in one Float32Array ([dim] per row block) and their optimizer slots
 * in another, the slots of a block side by side ([dim] per slot: Adam's m then v), so a gather reads
 * only the compact values and an optimizer update finds a row's moments in one place. The arrays are
 * allocated zero-filled; operating systems commit such memory page by page on first write.
 *
 * Placement: in a small table, row r's block is block r. In a large one (values and slots over
 * PLACEMENT_MIN_BYTES), rows get blocks in the order they are first touched, through a [rows] index:
 * the blocks in use are packed together, so first touching a row commits a new page only every few
 * dozen rows instead of at nearly every row, once per array (the kernel's page fault and zero-fill
 * dominated first touches of scattered rows in a 10^7-row table); resident memory follows the rows
 * touched rather than the pages they are scattered over, and hot rows share cache lines and pages.
 * Small tables skip the index: all their pages are touched soon anyway, and the direct address saves
 * one memory access per id.
 */
import type { EmbeddingTableSpec, ResolvedSparseOptimizer } from './config.js';

/** Tables whose blocks take more bytes than this place rows in first-touch order (see above). */
export const PLACEMENT_MIN_BYTES = 64 * 2 ** 20;

/** Names of the per-row optimizer slots, in storage order. */
export function slotNames(optimizer: ResolvedSparseOptimizer): readonly string[] {
  return optimizer.kind === 'adam' ? ['m', 'v'] : ['accumulator'];
}

/** Floats per row block of the slots array: every optimizer slot of one row. */
export function slotStride(dim: number, optimizer: ResolvedSparseOptimizer): number {
  return dim * slotNames(optimizer).length;
}

/** True for a SharedArrayBuffer (false where the global does not exist). */
export function isSharedBuffer(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer;
}

/**
 * The buffers of one table. On SharedArrayBuffer they can back tables in several threads at once
 * (EmbeddingBank.fromShared).
 */
export interface TableStorage {
  /** [rows * dim] row values, by block. */
  readonly values: Float32Array;
  /** [rows * dim * slots] optimizer slots, by block (each slot's [dim] side by side). */
  readonly slots: Float32Array;
  /** [ceil(rows / 32)] words of the initialised-rows bitset (see `bitOf`). */
  readonly initializedWords: Int32Array;
  /** Placed tables: [rows] block + 1 of each row (0: none yet; -1: being placed); null: row r is block r. */
  readonly blockOfRow: Int32Array | null;
  /** Placed tables: [1] the next free block; null otherwise. */
  readonly nextBlock: Int32Array | null;
}

/** Whether a table of `rows` rows of `floatsPerRow` floats (values and slots) places its rows. */
export function placesRows(rows: number, floatsPerRow: number): boolean {
  return 4 * rows * floatsPerRow > PLACEMENT_MIN_BYTES;
}

/** Zero-filled storage of a table, on SharedArrayBuffer when `shared`. */
export function allocateTableStorage(
  spec: EmbeddingTableSpec,
  optimizer: ResolvedSparseOptimizer,
  shared: boolean,
): TableStorage {
  const perRow = spec.dim + slotStride(spec.dim, optimizer);
  const floats = (count: number) =>
    shared ? new Float32Array(new SharedArrayBuffer(4 * count)) : new Float32Array(count);
  const ints = (count: number) =>
    shared ? new Int32Array(new SharedArrayBuffer(4 * count)) : new Int32Array(count);
  const placed = placesRows(spec.rows, perRow);
  return {
    values: floats(spec.rows * spec.dim),
    slots: floats(spec.rows * slotStride(spec.dim, optimizer)),
    initializedWords: ints(Math.ceil(spec.rows / 32)),
    blockOfRow: placed ? ints(spec.rows) : null,
    nextBlock: placed ? ints(1) : null,
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
export function bitOf(row: number): number {
  return 1 << (((((row >>> 3) & 3) ^ BYTE_SWAP) << 3) | (row & 7));
}

/** Set bits of a 32-bit word. */
export function popCount(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Calls `visit(row)` for every row whose bit is set in `words`, in row order. */
export function forEachSetBit(words: Int32Array, rows: number, visit: (row: number) => void): void {
  for (let w = 0; w < words.length; w++) {
    const word = Atomics.load(words, w);
    if (word === 0) continue;
    const end = Math.min(rows, (w + 1) * 32);
    for (let row = w * 32; row < end; row++) if ((word & bitOf(row)) !== 0) visit(row);
  }
}
