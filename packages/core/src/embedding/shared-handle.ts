/**
 * The structured-cloneable description of a shared-memory EmbeddingBank: its resolved config and
 * the SharedArrayBuffers of every table's rows (with their optimizer slots) and initialised-rows
 * bitset. Post
 * it to another thread (a worker) and call `EmbeddingBank.fromShared(handle)` there: both banks
 * then read and write the same rows (no copies). Each bank keeps its own step count (bias
 * correction), starting from the handle's `step`.
 */
import { ConfigError, ShapeError } from '@dtrn/base';
import { type ResolvedEmbeddingBankArgs, resolveEmbeddingBankArgs } from './config.js';
import type { EmbeddingTable } from './table.js';
import { placesRows, slotStride, type TableStorage } from './table-storage.js';

export const EMBEDDING_SHARE_FORMAT = 'dtrn.embedding-bank.shared';

/** One table's shared buffers. */
export interface SharedEmbeddingTable {
  readonly name: string;
  readonly rows: number;
  readonly dim: number;
  /** [rows * dim] float32 row values (by block, see `placement`). */
  readonly values: SharedArrayBuffer;
  /** [rows * dim * slots] float32 optimizer slots, each row's side by side (`m`, `v` for Adam; `accumulator` for Adagrad). */
  readonly slots: SharedArrayBuffer;
  /** [ceil(rows / 32)] int32 words of the initialised-rows bitset. */
  readonly initialized: SharedArrayBuffer;
  /** Tables that place rows in first-touch order: [rows] int32 block + 1 per row, and [1] the next free block. */
  readonly placement: {
    readonly blockOfRow: SharedArrayBuffer;
    readonly nextBlock: SharedArrayBuffer;
  } | null;
}

export interface SharedEmbeddingBankHandle {
  readonly format: typeof EMBEDDING_SHARE_FORMAT;
  /** The bank's resolved configuration (tables, optimizer, l2, seed, initializer). */
  readonly config: ResolvedEmbeddingBankArgs;
  /** Per table of `config.tables`, in that order. */
  readonly tables: readonly SharedEmbeddingTable[];
  /** The sharing bank's step count when the handle was made. */
  readonly step: number;
}

/** The handle of `tables` (whose storage must be shared; the caller checks). */
export function describeSharedTables(
  config: ResolvedEmbeddingBankArgs,
  tables: readonly EmbeddingTable[],
  step: number,
): SharedEmbeddingBankHandle {
  return {
    format: EMBEDDING_SHARE_FORMAT,
    config,
    tables: tables.map((t) => ({
      name: t.name,
      rows: t.rows,
      dim: t.dim,
      values: t.values.buffer as SharedArrayBuffer,
      slots: t.slots.buffer as SharedArrayBuffer,
      initialized: t.initializedWords.buffer as SharedArrayBuffer,
      placement:
        t.blockOfRow && t.nextBlock
          ? {
              blockOfRow: t.blockOfRow.buffer as SharedArrayBuffer,
              nextBlock: t.nextBlock.buffer as SharedArrayBuffer,
            }
          : null,
    })),
    step,
  };
}

function expectShared(buffer: unknown, bytes: number, where: string): SharedArrayBuffer {
  if (typeof SharedArrayBuffer !== 'function' || !(buffer instanceof SharedArrayBuffer)) {
    throw new ConfigError(`${where} is not a SharedArrayBuffer`, {
      expected: 'a SharedArrayBuffer (from bank.shareHandle())',
      found: Object.prototype.toString.call(buffer),
    });
  }
  if (buffer.byteLength !== bytes) {
    throw new ShapeError(`${where} has the wrong size`, {
      expected: `${bytes} bytes`,
      found: `${buffer.byteLength} bytes`,
    });
  }
  return buffer;
}

/** Validates a handle (format, config, buffer sizes) and returns its config and table storage. */
export function openSharedHandle(handle: unknown): {
  config: ResolvedEmbeddingBankArgs;
  storage: TableStorage[];
  step: number;
} {
  const where = 'EmbeddingBank.fromShared';
  const h = handle as Partial<SharedEmbeddingBankHandle> | null;
  if (!h || typeof h !== 'object' || h.format !== EMBEDDING_SHARE_FORMAT) {
    throw new ConfigError(`${where}: not a shared bank handle`, {
      expected: `an object with format "${EMBEDDING_SHARE_FORMAT}" (from bank.shareHandle())`,
      found: h && typeof h === 'object' ? h.format : h,
    });
  }
  const config = resolveEmbeddingBankArgs({ ...h.config, sharedMemory: true });
  if (!Number.isInteger(h.step) || (h.step as number) < 0) {
    throw new ConfigError(`${where}: handle.step is invalid`, { expected: 'an integer >= 0', found: h.step });
  }
  const tables = Array.isArray(h.tables) ? h.tables : [];
  if (tables.length !== config.tables.length) {
    throw new ConfigError(`${where}: handle.tables does not match handle.config.tables`, {
      expected: `${config.tables.length} tables`,
      found: tables.length,
    });
  }
  const storage = config.tables.map((spec, i) => {
    const table = tables[i]!;
    const at = `${where}: table ${spec.name}`;
    if (table.name !== spec.name || table.rows !== spec.rows || table.dim !== spec.dim) {
      throw new ConfigError(`${at} differs from its config`, {
        expected: `${spec.name}: ${spec.rows} rows x ${spec.dim}`,
        found: `${table.name}: ${table.rows} rows x ${table.dim}`,
      });
    }
    const slotFloats = slotStride(spec.dim, config.optimizer);
    const placed = placesRows(spec.rows, spec.dim + slotFloats);
    const placement = placed ? table.placement : null;
    if (placed && !placement) {
      throw new ConfigError(`${at} lacks its row placement buffers`, {
        expected: 'placement: { blockOfRow, nextBlock } (a table of this size places its rows)',
        found: table.placement,
      });
    }
    return {
      values: new Float32Array(expectShared(table.values, 4 * spec.rows * spec.dim, `${at} values`)),
      slots: new Float32Array(expectShared(table.slots, 4 * spec.rows * slotFloats, `${at} slots`)),
      initializedWords: new Int32Array(
        expectShared(table.initialized, 4 * Math.ceil(spec.rows / 32), `${at} initialized`),
      ),
      blockOfRow: placement
        ? new Int32Array(expectShared(placement.blockOfRow, 4 * spec.rows, `${at} blockOfRow`))
        : null,
      nextBlock: placement ? new Int32Array(expectShared(placement.nextBlock, 4, `${at} nextBlock`)) : null,
    };
  });
  return { config, storage, step: h.step as number };
}
