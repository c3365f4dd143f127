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
import { RowSlotMap } from './row-slot-map.js';

/** Names of the per-row optimizer slots, in storage order. */
export function slotNames(optimizer: ResolvedSparseOptimizer): readonly string[] {
  return optimizer.kind === 'adam' ? ['m', 'v'] : ['accumulator'];
}

/** Allocates a zero-filled Float32Array, on SharedArrayBuffer when asked and available. */
export function allocateFloat32(length: number, shared: boolean): Float32Array {
  return shared ? new Float32Array(new SharedArrayBuffer(length * 4)) : new Float32Array(length);
}

function allocateBytes(length: number, shared: boolean): Uint8Array {
  return shared ? new Uint8Array(new SharedArrayBuffer(length)) : new Uint8Array(length);
}

export class EmbeddingTable {
  readonly name: string;
  readonly rows: number;
  readonly dim: number;
  /** [rows * dim] row values; row 0 stays zero. */
  readonly values: Float32Array;
  /** Optimizer slots, each [rows * dim], named by `slotNames`. */
  readonly slots: readonly Float32Array[];
  /** Bit r set once row r holds its initial (or a later) value. Row 0 counts as initialised. */
  readonly initialized: Uint8Array;
  private initializedCount = 1;
  /** Distinct rows of the current gather and their values (scratch, sized to a batch). */
  private readonly gatherSlots = new RowSlotMap();
  private gatherBuffer: Float32Array;

  constructor(
    spec: EmbeddingTableSpec,
    private readonly optimizer: ResolvedSparseOptimizer,
    private readonly initializer: Required<EmbeddingInitializerArgs>,
    private readonly seed: number,
    shared: boolean,
  ) {
    this.name = spec.name;
    this.rows = spec.rows;
    this.dim = spec.dim;
    const length = spec.rows * spec.dim;
    this.values = allocateFloat32(length, shared);
    this.slots = slotNames(optimizer).map(() => allocateFloat32(length, shared));
    this.initialized = allocateBytes(Math.ceil(spec.rows / 8), shared);
    this.initialized[0] = 1;
    this.gatherBuffer = new Float32Array(2048 * spec.dim);
  }

  /** Rows initialised so far (padding included). */
  get initializedRows(): number {
    return this.initializedCount;
  }

  /** Bytes allocated for rows, slots and the bitset (resident memory grows only with touched pages). */
  get memoryBytes(): number {
    return this.values.byteLength * (1 + this.slots.length) + this.initialized.byteLength;
  }

  /** Stored parameters: rows * dim, padding row included. */
  get parameterCount(): number {
    return this.rows * this.dim;
  }

  isInitialized(row: number): boolean {
    return (this.initialized[row >>> 3]! & (1 << (row & 7))) !== 0;
  }

  /** Initialises `row` (values and slots) unless it already is. */
  ensureRow(row: number): void {
    const byte = row >>> 3;
    const bit = 1 << (row & 7);
    const flags = this.initialized[byte]!;
    if ((flags & bit) !== 0) return;
    this.initialized[byte] = flags | bit;
    this.initializedCount++;
    const offset = row * this.dim;
    initializeRow(this.values, offset, this.dim, this.seed, row, this.initializer);
    if (this.optimizer.kind === 'adagrad') {
      this.slots[0]!.fill(this.optimizer.initialAccumulator, offset, offset + this.dim);
    }
  }

  /** Initialises every row (O(rows)); used before exporting the whole table. */
  ensureAllRows(): void {
    for (let row = 1; row < this.rows; row++) this.ensureRow(row);
  }

  /** Recounts initialised rows after the bitset was replaced (state restore). */
  recountInitialized(): void {
    let count = 0;
    for (let row = 0; row < this.rows; row++) if (this.isInitialized(row)) count++;
    this.initializedCount = count;
  }

  /**
   * Copies the rows of `ids` into `out` starting at `outOffset` (ids.length * dim values),
   * initialising untouched rows first. Ids must be validated by the caller.
   *
   * Each distinct row is read from the table once, into a compact buffer, and every occurrence is
   * copied from there: a batch reads each scattered row of a huge table (a cache and TLB miss) once
   * instead of once per occurrence.
   */
  gatherInto(ids: Int32Array, out: Float32Array, outOffset: number): void {
    const dim = this.dim;
    const values = this.values;
    const initialized = this.initialized;
    const slots = this.gatherSlots;
    slots.clear();
    for (let i = 0; i < ids.length; i++) {
      const row = ids[i]!;
      const target = outOffset + i * dim;
      if (row === 0) {
        out.fill(0, target, target + dim);
        continue;
      }
      const before = slots.count;
      const source = slots.slotOf(row) * dim;
      if (slots.count !== before) {
        if (source + dim > this.gatherBuffer.length) this.growGatherBuffer();
        if ((initialized[row >>> 3]! & (1 << (row & 7))) === 0) this.ensureRow(row);
        const buffer = this.gatherBuffer;
        const from = row * dim;
        for (let j = 0; j < dim; j++) buffer[source + j] = values[from + j]!;
      }
      const buffer = this.gatherBuffer;
      for (let j = 0; j < dim; j++) out[target + j] = buffer[source + j]!;
    }
  }

  private growGatherBuffer(): void {
    const grown = new Float32Array(this.gatherBuffer.length * 2);
    grown.set(this.gatherBuffer);
    this.gatherBuffer = grown;
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
