/**
 * Checkpoint state of an EmbeddingBank: JSON-able metadata plus typed arrays per table (rows,
 * optimizer slots, initialised-rows bitset). A checkpoint writer stores the metadata as JSON and
 * each array as a little-endian binary.
 */
import { ConfigError, ShapeError } from '@dtrn/base';
import type { EmbeddingInitializerArgs, ResolvedSparseOptimizer } from './config.js';
import type { EmbeddingTable } from './table.js';
import { slotNames } from './table.js';

export const EMBEDDING_STATE_FORMAT = 'dtrn.embedding-bank';
/**
 * Version 2: rows first touched after a restore are initialised by the counter-based initializer
 * (row-initializer.ts). Version 1 states (the earlier per-row generator) are still read: their
 * initialised rows are restored exactly; rows they never touched start from the new initializer.
 */
export const EMBEDDING_STATE_VERSION = 2;
const READABLE_STATE_VERSIONS: readonly number[] = [1, 2];

export interface EmbeddingTableStateMetadata {
  readonly name: string;
  readonly rows: number;
  readonly dim: number;
  /** Slot names in storage order (`m`, `v` for Adam; `accumulator` for Adagrad). */
  readonly slots: readonly string[];
  readonly initializedRows: number;
}

export interface EmbeddingBankStateMetadata {
  readonly format: typeof EMBEDDING_STATE_FORMAT;
  readonly version: number;
  /** Optimizer steps taken (applyGradients calls). */
  readonly step: number;
  readonly seed: number;
  readonly initializer: Required<EmbeddingInitializerArgs>;
  readonly optimizer: ResolvedSparseOptimizer;
  readonly l2: number;
  readonly tables: readonly EmbeddingTableStateMetadata[];
}

export interface EmbeddingTableArrays {
  /** [rows * dim] row values. */
  readonly values: Float32Array;
  /** Per slot name, [rows * dim]. */
  readonly slots: Readonly<Record<string, Float32Array>>;
  /** [ceil(rows / 8)] bit r set when row r is initialised. */
  readonly initialized: Uint8Array;
}

export interface EmbeddingBankState {
  readonly metadata: EmbeddingBankStateMetadata;
  /** Per table name. */
  readonly arrays: Readonly<Record<string, EmbeddingTableArrays>>;
}

/** Copies of one table's rows, slots and bitset (only initialised rows are read). */
export function tableArrays(table: EmbeddingTable, names: readonly string[]): EmbeddingTableArrays {
  const slots: Record<string, Float32Array> = {};
  names.forEach((name, i) => {
    slots[name] = table.readPart(1 + i);
  });
  return { values: table.readPart(0), slots, initialized: table.initialized.slice() };
}

function expectLength(array: ArrayLike<number> | undefined, length: number, where: string): void {
  if (!array || array.length !== length) {
    throw new ShapeError(`${where} has the wrong length`, {
      expected: `length ${length}`,
      found: array ? `length ${array.length}` : 'nothing',
    });
  }
}

/** Checks that `state` fits tables laid out as `tables`, under `optimizer`, seed and initializer. */
export function checkStateFits(
  state: EmbeddingBankState,
  tables: readonly EmbeddingTable[],
  expected: Pick<EmbeddingBankStateMetadata, 'seed' | 'initializer' | 'optimizer'>,
): void {
  const where = 'EmbeddingBank.setState';
  const meta = state.metadata;
  if (meta.format !== EMBEDDING_STATE_FORMAT || !READABLE_STATE_VERSIONS.includes(meta.version)) {
    throw new ConfigError(`${where}: unsupported state format`, {
      expected: `${EMBEDDING_STATE_FORMAT} version ${READABLE_STATE_VERSIONS.join(' or ')}`,
      found: `${meta.format} version ${meta.version}`,
    });
  }
  if (!Number.isInteger(meta.step) || meta.step < 0) {
    throw new ConfigError(`${where}: metadata.step is invalid`, {
      expected: 'an integer >= 0',
      found: meta.step,
    });
  }
  if (meta.optimizer.kind !== expected.optimizer.kind) {
    throw new ConfigError(`${where}: the state was saved with another optimizer`, {
      expected: expected.optimizer.kind,
      found: meta.optimizer.kind,
    });
  }
  const sameInit =
    meta.seed === expected.seed &&
    meta.initializer.kind === expected.initializer.kind &&
    meta.initializer.scale === expected.initializer.scale;
  if (!sameInit) {
    // Rows not yet initialised would start differently than in the saved run.
    throw new ConfigError(`${where}: the state was saved with another seed or initializer`, {
      expected: JSON.stringify({ seed: expected.seed, initializer: expected.initializer }),
      found: JSON.stringify({ seed: meta.seed, initializer: meta.initializer }),
    });
  }
  const names = tables.map((t) => t.name);
  const saved = meta.tables.map((t) => t.name);
  if (names.join('\u0000') !== saved.join('\u0000')) {
    throw new ConfigError(`${where}: the state's tables differ from the bank's`, {
      expected: names.join(', '),
      found: saved.join(', '),
    });
  }
  const slots = slotNames(expected.optimizer);
  tables.forEach((table, i) => {
    const savedTable = meta.tables[i]!;
    if (savedTable.rows !== table.rows || savedTable.dim !== table.dim) {
      throw new ShapeError(`${where}: table ${table.name} has another size`, {
        expected: `${table.rows} rows x ${table.dim}`,
        found: `${savedTable.rows} rows x ${savedTable.dim}`,
      });
    }
    const arrays = state.arrays[table.name];
    const length = table.rows * table.dim;
    expectLength(arrays?.values, length, `${where}: ${table.name} values`);
    for (const slot of slots)
      expectLength(arrays?.slots[slot], length, `${where}: ${table.name} slot ${slot}`);
    expectLength(arrays?.initialized, table.initialized.length, `${where}: ${table.name} initialized`);
  });
}
