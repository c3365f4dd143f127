/**
 * Configuration of an EmbeddingBank: its tables, its sparse optimizer, L2, initialisation and
 * memory. Resolved strictly: unknown keys name the closest valid key, numbers are range-checked.
 */
import {
  assertKnownKeys,
  assertPlainObject,
  ConfigError,
  checkEnum,
  checkNumber,
  checkString,
  optionalBoolean,
  optionalEnum,
  optionalNumber,
} from '@dtrn/base';

/** One embedding table: one id space (e.g. `item`, shared by the target item and every sequence). */
export interface EmbeddingTableSpec {
  /** Table name, the id space's name. Letters, digits, `_`, `-`, `.`; unique within a bank. */
  readonly name: string;
  /**
   * Rows, padding row 0 (and the OOV/hash rows of the id space) included: the id space's `size`.
   * Integer >= 2.
   */
  readonly rows: number;
  /** Embedding width d. Integer in [1, 4096]. */
  readonly dim: number;
}

/** Lazy Adam (Kingma and Ba 2015, as tf.train.adam computes it) on the rows a step touches. */
export interface SparseAdamArgs {
  readonly kind: 'adam';
  /** Step size. Default 0.001, > 0. */
  readonly learningRate?: number;
  /** First-moment decay. Default 0.9, in [0, 1). */
  readonly beta1?: number;
  /** Second-moment decay. Default 0.999, in [0, 1). */
  readonly beta2?: number;
  /** Added to sqrt(v̂) in the denominator. Default 1e-7 (tfjs's float32 epsilon), > 0. */
  readonly epsilon?: number;
}

/** Lazy Adagrad (Duchi et al. 2011, as tf.train.adagrad computes it) on the rows a step touches. */
export interface SparseAdagradArgs {
  readonly kind: 'adagrad';
  /** Step size. Default 0.01, > 0. */
  readonly learningRate?: number;
  /** Starting value of every accumulator element. Default 0.1, >= 0. */
  readonly initialAccumulator?: number;
  /** Added inside the square root: sqrt(accumulator + epsilon). Default 1e-7, > 0. */
  readonly epsilon?: number;
}

export type SparseOptimizerArgs = SparseAdamArgs | SparseAdagradArgs;

export const EMBEDDING_INITIALIZERS = ['normal', 'uniform', 'truncatedNormal'] as const;
export type EmbeddingInitializerKind = (typeof EMBEDDING_INITIALIZERS)[number];

export interface EmbeddingInitializerArgs {
  /** `normal`: N(0, scale²); `uniform`: U(-scale, scale); `truncatedNormal`: N(0, scale²) redrawn beyond 2·scale. Default `truncatedNormal`. */
  readonly kind?: EmbeddingInitializerKind;
  /** Standard deviation (normal kinds) or half-width (uniform). Default 0.02, > 0. */
  readonly scale?: number;
}

export interface EmbeddingBankArgs {
  /** The tables, one per id space. Non-empty, unique names. */
  readonly tables: readonly EmbeddingTableSpec[];
  /** Sparse optimizer. Default `{ kind: 'adam' }` with the Adam defaults. */
  readonly optimizer?: SparseOptimizerArgs;
  /**
   * L2 coefficient λ on touched rows: each step adds λ·‖w‖² per distinct touched row to the loss,
   * i.e. 2λ·w to its gradient (Keras `l2` convention). Default 0, >= 0.
   */
  readonly l2?: number;
  /** Seed of the row initialisation; equal seeds give equal rows. Default 0, integer in [0, 2^32). */
  readonly seed?: number;
  /** Row initialisation. Default `{ kind: 'truncatedNormal', scale: 0.02 }`. */
  readonly initializer?: EmbeddingInitializerArgs;
  /**
   * Allocate rows and slots on SharedArrayBuffer (for data-parallel workers). Falls back to
   * ArrayBuffer where SharedArrayBuffer is unavailable (browsers without cross-origin isolation);
   * `EmbeddingBank.isShared` tells which. Default false.
   */
  readonly sharedMemory?: boolean;
}

export interface ResolvedAdam {
  readonly kind: 'adam';
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}
export interface ResolvedAdagrad {
  readonly kind: 'adagrad';
  readonly learningRate: number;
  readonly initialAccumulator: number;
  readonly epsilon: number;
}
export type ResolvedSparseOptimizer = ResolvedAdam | ResolvedAdagrad;

export interface ResolvedEmbeddingBankArgs {
  readonly tables: readonly EmbeddingTableSpec[];
  readonly optimizer: ResolvedSparseOptimizer;
  readonly l2: number;
  readonly seed: number;
  readonly initializer: Required<EmbeddingInitializerArgs>;
  readonly sharedMemory: boolean;
}

export const DEFAULT_SPARSE_ADAM: ResolvedAdam = Object.freeze({
  kind: 'adam',
  learningRate: 0.001,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-7,
});
export const DEFAULT_SPARSE_ADAGRAD: ResolvedAdagrad = Object.freeze({
  kind: 'adagrad',
  learningRate: 0.01,
  initialAccumulator: 0.1,
  epsilon: 1e-7,
});
export const DEFAULT_EMBEDDING_INITIALIZER: Required<EmbeddingInitializerArgs> = Object.freeze({
  kind: 'truncatedNormal',
  scale: 0.02,
});
export const DEFAULT_EMBEDDING_BANK = Object.freeze({
  optimizer: DEFAULT_SPARSE_ADAM,
  l2: 0,
  seed: 0,
  initializer: DEFAULT_EMBEDDING_INITIALIZER,
  sharedMemory: false,
});

const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
/**
 * Largest length of one table's arrays: rows·dim (values) and rows·dim·slots (the optimizer slots
 * of every row side by side in one Float32Array, whose length is limited to 2^32 - 1 here): for
 * Adam (2 slots) rows·dim < 2.15e9.
 */
export const MAX_TABLE_ELEMENTS = 2 ** 32 - 1;

function resolveTable(value: unknown, where: string): EmbeddingTableSpec {
  assertPlainObject(value, where);
  assertKnownKeys(value, ['name', 'rows', 'dim'], where);
  const name = checkString(value.name, `${where}.name`, { pattern: TABLE_NAME_PATTERN });
  const rows = checkNumber(value.rows, { integer: true, min: 2 }, `${where}.rows`);
  const dim = checkNumber(value.dim, { integer: true, min: 1, max: 4096 }, `${where}.dim`);
  return Object.freeze({ name, rows, dim });
}

/** Throws a ConfigError when a table's rows and optimizer slots exceed MAX_TABLE_ELEMENTS. */
function checkTableSize(table: EmbeddingTableSpec, optimizer: ResolvedSparseOptimizer, where: string): void {
  const slots = optimizer.kind === 'adam' ? 2 : 1;
  const elements = table.rows * table.dim * slots;
  if (elements > MAX_TABLE_ELEMENTS) {
    throw new ConfigError(`${where} is too large`, {
      expected: `rows * dim * ${slots} (the ${optimizer.kind} slots of every row, one array) <= ${MAX_TABLE_ELEMENTS}`,
      found: `${table.rows} * ${table.dim} * ${slots} = ${elements}`,
    });
  }
}

/** Validates a sparse optimizer config (`{ kind, ... }`) and fills in its kind's defaults. */
export function resolveSparseOptimizerArgs(value: unknown, where: string): ResolvedSparseOptimizer {
  if (value === undefined) return DEFAULT_SPARSE_ADAM;
  assertPlainObject(value, where);
  const kind = checkEnum(value.kind, ['adam', 'adagrad'] as const, `${where}.kind`);
  const positive = { above: 0 };
  if (kind === 'adam') {
    assertKnownKeys(value, ['kind', 'learningRate', 'beta1', 'beta2', 'epsilon'], where);
    const d = DEFAULT_SPARSE_ADAM;
    return Object.freeze({
      kind,
      learningRate: optionalNumber(value.learningRate, d.learningRate, positive, `${where}.learningRate`),
      beta1: optionalNumber(value.beta1, d.beta1, { min: 0, below: 1 }, `${where}.beta1`),
      beta2: optionalNumber(value.beta2, d.beta2, { min: 0, below: 1 }, `${where}.beta2`),
      epsilon: optionalNumber(value.epsilon, d.epsilon, positive, `${where}.epsilon`),
    });
  }
  assertKnownKeys(value, ['kind', 'learningRate', 'initialAccumulator', 'epsilon'], where);
  const d = DEFAULT_SPARSE_ADAGRAD;
  return Object.freeze({
    kind,
    learningRate: optionalNumber(value.learningRate, d.learningRate, positive, `${where}.learningRate`),
    initialAccumulator: optionalNumber(
      value.initialAccumulator,
      d.initialAccumulator,
      { min: 0 },
      `${where}.initialAccumulator`,
    ),
    epsilon: optionalNumber(value.epsilon, d.epsilon, positive, `${where}.epsilon`),
  });
}

/** Validates a row initializer config and fills in its defaults. */
export function resolveEmbeddingInitializerArgs(
  value: unknown,
  where: string,
): Required<EmbeddingInitializerArgs> {
  if (value === undefined) return DEFAULT_EMBEDDING_INITIALIZER;
  assertPlainObject(value, where);
  assertKnownKeys(value, ['kind', 'scale'], where);
  const d = DEFAULT_EMBEDDING_INITIALIZER;
  return Object.freeze({
    kind: optionalEnum(value.kind, d.kind, EMBEDDING_INITIALIZERS, `${where}.kind`),
    scale: optionalNumber(value.scale, d.scale, { above: 0 }, `${where}.scale`),
  });
}

/** Validates `args` and fills in defaults. Throws a ConfigError naming the offending key. */
export function resolveEmbeddingBankArgs(args: unknown): ResolvedEmbeddingBankArgs {
  const where = 'EmbeddingBankArgs';
  assertPlainObject(args, where);
  assertKnownKeys(args, ['tables', 'optimizer', 'l2', 'seed', 'initializer', 'sharedMemory'], where);
  if (!Array.isArray(args.tables) || args.tables.length === 0) {
    throw new ConfigError(`${where}.tables is invalid`, {
      expected: 'a non-empty array of { name, rows, dim }',
      found: args.tables,
    });
  }
  const tables = args.tables.map((table, i) => resolveTable(table, `${where}.tables[${i}]`));
  const seen = new Set<string>();
  tables.forEach((table, i) => {
    if (seen.has(table.name)) {
      throw new ConfigError(`${where}.tables[${i}].name is a duplicate`, {
        expected: 'unique table names',
        found: table.name,
      });
    }
    seen.add(table.name);
  });
  const d = DEFAULT_EMBEDDING_BANK;
  const optimizer = resolveSparseOptimizerArgs(args.optimizer, `${where}.optimizer`);
  tables.forEach((table, i) => {
    checkTableSize(table, optimizer, `${where}.tables[${i}]`);
  });
  return Object.freeze({
    tables: Object.freeze(tables),
    optimizer,
    l2: optionalNumber(args.l2, d.l2, { min: 0 }, `${where}.l2`),
    seed: optionalNumber(args.seed, d.seed, { integer: true, min: 0, below: 2 ** 32 }, `${where}.seed`),
    initializer: resolveEmbeddingInitializerArgs(args.initializer, `${where}.initializer`),
    sharedMemory: optionalBoolean(args.sharedMemory, d.sharedMemory, `${where}.sharedMemory`),
  });
}

/**
 * Table specs from a dataset schema's id spaces (`{ name, size }`, as `@dtrn/data` defines
 * them), all with width `dim` unless `dims` names another width for a space.
 */
export function tablesFromIdSpaces(
  idSpaces: readonly { readonly name: string; readonly size: number }[],
  dim: number,
  dims: Readonly<Record<string, number>> = {},
): EmbeddingTableSpec[] {
  return idSpaces.map((space) => ({ name: space.name, rows: space.size, dim: dims[space.name] ?? dim }));
}
