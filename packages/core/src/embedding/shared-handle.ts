/**
 * The structured-cloneable description of a shared-memory EmbeddingBank: its resolved config and
 * the SharedArrayBuffers of every table's rows, optimizer slots and initialised-rows bitset. Post
 * it to another thread (a worker) and call `EmbeddingBank.fromShared(handle)` there: both banks
 * then read and write the same rows (no copies). Each bank keeps its own step count (bias
 * correction), starting from the handle's `step`.
 */
import { ConfigError, ShapeError } from '@dtrn/base';
import { type ResolvedEmbeddingBankArgs, resolveEmbeddingBankArgs } from './config.js';
import { type EmbeddingTable, slotNames, type TableStorage } from './table.js';

export const EMBEDDING_SHARE_FORMAT = 'dtrn.embedding-bank.shared';

/** One table's shared buffers. */
export interface SharedEmbeddingTable {
  readonly name: string;
  readonly rows: number;
  readonly dim: number;
  /** [rows * dim] float32 row values. */
  readonly values: SharedArrayBuffer;
  /** Per optimizer slot in storage order (`m`, `v` for Adam; `accumulator` for Adagrad), [rows * dim] float32. */
  readonly slots: readonly SharedArrayBuffer[];
  /** [ceil(rows / 32)] int32 words of the initialised-rows bitset. */
  readonly initialized: SharedArrayBuffer;
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
      slots: t.slots.map((slot) => slot.buffer as SharedArrayBuffer),
      initialized: t.initializedWords.buffer as SharedArrayBuffer,
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
  const slotCount = slotNames(config.optimizer).length;
  const storage = config.tables.map((spec, i) => {
    const table = tables[i]!;
    const at = `${where}: table ${spec.name}`;
    if (table.name !== spec.name || table.rows !== spec.rows || table.dim !== spec.dim) {
      throw new ConfigError(`${at} differs from its config`, {
        expected: `${spec.name}: ${spec.rows} rows x ${spec.dim}`,
        found: `${table.name}: ${table.rows} rows x ${table.dim}`,
      });
    }
    const bytes = 4 * spec.rows * spec.dim;
    const slots: readonly unknown[] = Array.isArray(table.slots) ? table.slots : [];
    if (slots.length !== slotCount) {
      throw new ConfigError(`${at} has the wrong number of optimizer slots`, {
        expected: `${slotCount} (${slotNames(config.optimizer).join(', ')})`,
        found: slots.length,
      });
    }
    return {
      values: new Float32Array(expectShared(table.values, bytes, `${at} values`)),
      slots: slots.map((slot, s) => new Float32Array(expectShared(slot, bytes, `${at} slot ${s}`))),
      initializedWords: new Int32Array(
        expectShared(table.initialized, 4 * Math.ceil(spec.rows / 32), `${at} initialized`),
      ),
    };
  });
  return { config, storage, step: h.step as number };
}
