/**
 * EmbeddingBank: sparse embedding tables kept outside tfjs, in typed arrays, with lazy Adam or
 * Adagrad row updates. A training step looks the batch's rows up (plain copies), differentiates
 * the loss with respect to those looked-up tensors, and hands the row gradients back to
 * `applyGradients`, which sums duplicate ids and updates only the touched rows in place. No part of
 * a step costs O(vocabulary).
 *
 * A `sharedMemory` bank keeps its tables on SharedArrayBuffer: `shareHandle()` describes them and
 * `EmbeddingBank.fromShared(handle)` opens a bank over the same buffers in another thread. With
 * `applyGradients(updates, { shard })` those threads can split one step's touched rows between
 * them, so each row is updated exactly once.
 */
import { ConfigError, DataError, ShapeError } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';
import {
  type EmbeddingBankArgs,
  type EmbeddingTableSpec,
  type ResolvedEmbeddingBankArgs,
  resolveEmbeddingBankArgs,
} from './config.js';
import {
  type ApplyGradientsOptions,
  checkUpdates,
  type EmbeddingUpdate,
  resolveShard,
} from './gradient-updates.js';
import { RowGradientSums } from './row-gradient-sums.js';
import { tableSeed } from './row-initializer.js';
import { describeSharedTables, openSharedHandle, type SharedEmbeddingBankHandle } from './shared-handle.js';
import { lazyAdagradUpdate, lazyAdamUpdate } from './sparse-optimizers.js';
import {
  checkStateFits,
  EMBEDDING_STATE_FORMAT,
  EMBEDDING_STATE_VERSION,
  type EmbeddingBankState,
  tableArrays,
} from './state.js';
import {
  allocateTableStorage,
  checkRowIds,
  EmbeddingTable,
  isSharedBuffer,
  slotNames,
  slotStride,
  type TableStorage,
} from './table.js';

/** Throws a ShapeError unless `rows` rows of `table` fit into `out` at `offset` with `stride`. */
function checkOutput(
  table: EmbeddingTable,
  rows: number,
  out: Float32Array,
  offset: number,
  stride: number,
  method: string,
): void {
  const valid = Number.isInteger(offset) && offset >= 0 && Number.isInteger(stride) && stride >= 1;
  const needed = rows === 0 ? offset : offset + (rows - 1) * stride + table.dim;
  if (!(out instanceof Float32Array) || !valid || needed > out.length) {
    throw new ShapeError(
      `EmbeddingBank.${method}(${table.name}): out is too short or the layout is invalid`,
      {
        expected: `a Float32Array of at least outOffset + (${rows} - 1) * outStride + ${table.dim} = ${needed} elements (integer outOffset >= 0, outStride >= 1)`,
        found: `length ${out?.length}, outOffset ${offset}, outStride ${stride}`,
      },
    );
  }
}

export type { EmbeddingUpdate };

export interface ApplyGradientsResult {
  /** The bank's step count after this update. */
  readonly step: number;
  /** Distinct rows updated per table (padding excluded). */
  readonly touchedRows: Readonly<Record<string, number>>;
}

/** Size facts of one table. */
export interface EmbeddingTableInfo extends EmbeddingTableSpec {
  /** rows * dim, padding row included. */
  readonly parameterCount: number;
  /** Bytes allocated for rows, optimizer slots and the initialised-rows bitset. */
  readonly memoryBytes: number;
  /** Rows initialised so far (touched at least once), padding included. */
  readonly initializedRows: number;
}

function sharedMemoryAvailable(): boolean {
  return typeof SharedArrayBuffer === 'function';
}

export class EmbeddingBank {
  /** The resolved configuration (JSON-able). */
  readonly config: ResolvedEmbeddingBankArgs;
  /** True when rows and slots live on SharedArrayBuffer. */
  readonly isShared: boolean;
  private readonly tables = new Map<string, EmbeddingTable>();
  private readonly sums = new Map<string, RowGradientSums>();
  private stepCount = 0;

  /**
   * A bank with freshly allocated (zero-filled, lazily initialised) tables. `storage` is internal:
   * `fromShared` passes the buffers of an existing shared bank.
   */
  constructor(args: EmbeddingBankArgs, storage?: readonly TableStorage[]) {
    this.config = resolveEmbeddingBankArgs(args);
    this.isShared = storage
      ? storage.every((s) => isSharedBuffer(s.values.buffer))
      : this.config.sharedMemory && sharedMemoryAvailable();
    const { optimizer, initializer, seed } = this.config;
    for (const [i, spec] of this.config.tables.entries()) {
      let table: EmbeddingTable;
      try {
        const buffers = storage?.[i] ?? allocateTableStorage(spec, optimizer, this.isShared);
        table = new EmbeddingTable(spec, optimizer, initializer, tableSeed(seed, spec.name), buffers);
      } catch (cause) {
        const bytes = spec.rows * (spec.dim + slotStride(spec.dim, optimizer)) * 4;
        throw new ConfigError(`EmbeddingBank: could not allocate table ${spec.name}`, {
          expected: `${bytes} bytes of address space`,
          found: String(cause),
          cause,
        });
      }
      this.tables.set(spec.name, table);
      this.sums.set(spec.name, new RowGradientSums(spec.dim));
    }
  }

  /**
   * A bank over the buffers of `handle` (from `shareHandle()`, possibly made in another thread):
   * no copies, every row write of either bank is seen by the other. Its step count starts at the
   * handle's `step`; from then on each bank counts its own `applyGradients` calls.
   */
  static fromShared(handle: SharedEmbeddingBankHandle): EmbeddingBank {
    const { config, storage, step } = openSharedHandle(handle);
    const bank = new EmbeddingBank(config, storage);
    bank.stepCount = step;
    return bank;
  }

  /**
   * The structured-cloneable description of this shared-memory bank (config, the
   * SharedArrayBuffers of every table's rows, slots and bitset, and the current step), for
   * `EmbeddingBank.fromShared` in another thread. Throws a ConfigError for a bank not on shared
   * memory (create it with `sharedMemory: true`, or convert it with `toShared()`).
   */
  shareHandle(): SharedEmbeddingBankHandle {
    if (!this.isShared) {
      throw new ConfigError('EmbeddingBank.shareHandle: the bank is not on shared memory', {
        expected:
          'a bank created with sharedMemory: true where SharedArrayBuffer exists (or bank.toShared())',
        found: this.config.sharedMemory
          ? 'sharedMemory: true, but SharedArrayBuffer is unavailable'
          : 'sharedMemory: false',
      });
    }
    return describeSharedTables(this.config, [...this.tables.values()], this.stepCount);
  }

  /**
   * A new shared-memory bank with this bank's config and state (rows, slots, bitset, step); only
   * initialised rows are copied, so it costs O(initialised rows + rows / 32), not O(vocabulary).
   * Throws a ConfigError where SharedArrayBuffer does not exist.
   */
  toShared(): EmbeddingBank {
    if (!sharedMemoryAvailable()) {
      throw new ConfigError('EmbeddingBank.toShared: SharedArrayBuffer is unavailable', {
        expected: 'a runtime with SharedArrayBuffer (Node, or a cross-origin isolated page)',
        found: 'typeof SharedArrayBuffer === "undefined"',
      });
    }
    const shared = new EmbeddingBank({ ...this.config, sharedMemory: true });
    for (const [name, from] of this.tables) from.copyInitializedRowsTo(shared.tables.get(name)!);
    shared.stepCount = this.stepCount;
    return shared;
  }

  /** Optimizer steps taken (calls of applyGradients). */
  get step(): number {
    return this.stepCount;
  }

  get tableNames(): readonly string[] {
    return [...this.tables.keys()];
  }

  /** Size facts of `table`. */
  tableInfo(table: string): EmbeddingTableInfo {
    const t = this.table(table, 'tableInfo');
    return {
      name: t.name,
      rows: t.rows,
      dim: t.dim,
      parameterCount: t.parameterCount,
      memoryBytes: t.memoryBytes,
      initializedRows: t.initializedRows,
    };
  }

  /** Total stored parameters over all tables (padding rows included). */
  get parameterCount(): number {
    let total = 0;
    for (const t of this.tables.values()) total += t.parameterCount;
    return total;
  }

  /** Total bytes allocated over all tables (address space; see the README's memory notes). */
  get memoryBytes(): number {
    let total = 0;
    for (const t of this.tables.values()) total += t.memoryBytes;
    return total;
  }

  /** Width d of `table`. */
  dimOf(table: string): number {
    return this.table(table, 'dimOf').dim;
  }

  /** The rows of `ids`, row-major ([ids.length * dim]); id 0 (padding) gives zeros. */
  lookup(table: string, ids: Int32Array): Float32Array {
    const t = this.table(table, 'lookup');
    checkRowIds(t, ids, 'lookup');
    const out = new Float32Array(ids.length * t.dim);
    t.gatherInto(ids, out, 0, t.dim);
    return out;
  }

  /**
   * Like `lookup`, writing into `out` (no allocation): row `ids[i]` goes to `out[outOffset + i *
   * outStride .. + dim)` (default stride dim: consecutive rows). A stride larger than dim fills one
   * column range of a wider matrix, e.g. field f of a [B, F, d] input with outOffset f * d and
   * outStride F * d.
   */
  lookupInto(table: string, ids: Int32Array, out: Float32Array, outOffset = 0, outStride?: number): void {
    const t = this.table(table, 'lookupInto');
    checkRowIds(t, ids, 'lookupInto');
    const stride = outStride ?? t.dim;
    checkOutput(t, ids.length, out, outOffset, stride, 'lookupInto');
    t.gatherInto(ids, out, outOffset, stride);
  }

  /**
   * Adds the rows of `ids` into `out`: row `ids[i]` is added to `out[outOffset + segments[i] *
   * outStride .. + dim)`, in id order, as float32 running sums; padding ids add nothing. Sums of
   * rows per segment (e.g. per sequence, for a mean-pooled input) without materialising every
   * looked-up row.
   */
  lookupSumInto(
    table: string,
    ids: Int32Array,
    segments: Int32Array,
    out: Float32Array,
    outOffset = 0,
    outStride?: number,
  ): void {
    const t = this.table(table, 'lookupSumInto');
    checkRowIds(t, ids, 'lookupSumInto');
    const stride = outStride ?? t.dim;
    if (!(segments instanceof Int32Array) || segments.length !== ids.length) {
      throw new ShapeError(`EmbeddingBank.lookupSumInto(${table}): segments must give one segment per id`, {
        expected: `an Int32Array of length ${ids.length}`,
        found: segments instanceof Int32Array ? `length ${segments.length}` : segments,
      });
    }
    let segmentCount = 0;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      if (segment < 0) {
        throw new ShapeError(`EmbeddingBank.lookupSumInto(${table}): segments[${i}] is negative`, {
          expected: '>= 0',
          found: segment,
        });
      }
      if (segment >= segmentCount) segmentCount = segment + 1;
    }
    checkOutput(t, segmentCount, out, outOffset, stride, 'lookupSumInto');
    t.gatherSumInto(ids, segments, out, outOffset, stride);
  }

  /**
   * The rows of `ids` as a float32 tensor of shape [...idsShape, dim]; `idsShape` defaults to
   * [ids.length] (e.g. [B, L] for a sequence batch). The caller disposes the tensor.
   */
  lookupTensor(table: string, ids: Int32Array, idsShape: readonly number[] = [ids.length]): tf.Tensor {
    const t = this.table(table, 'lookupTensor');
    const size = idsShape.reduce((a, b) => a * b, 1);
    if (size !== ids.length || idsShape.some((dim) => !Number.isInteger(dim) || dim < 0)) {
      throw new ShapeError(`EmbeddingBank.lookupTensor(${table}): idsShape does not fit the ids`, {
        expected: `non-negative integer dims with product ${ids.length}`,
        found: `[${idsShape.join(', ')}]`,
      });
    }
    return tf.tensor(this.lookup(table, ids), [...idsShape, t.dim], 'float32'); // [...idsShape, d]
  }

  /**
   * One optimizer step over all `updates`: gradients of the same row are summed across every
   * update of its table (the target item and all sequences share the item table), then each
   * distinct touched row gets one lazy Adam / Adagrad update (plus L2). Padding ids are ignored.
   * Everything is validated before anything changes.
   *
   * With `options.shard = { index, count }` only rows r with r % count === index are updated (their
   * gradients still summed over every update); the step count advances all the same. `count`
   * threads sharing one bank's buffers, each passing the same updates and its own index, together
   * make exactly the unsharded step, bit for bit (each row's sum and update are computed the same
   * way by the one thread that owns the row). `touchedRows` counts this shard's rows.
   */
  applyGradients(updates: readonly EmbeddingUpdate[], options?: ApplyGradientsOptions): ApplyGradientsResult {
    const shard = resolveShard(options);
    const resolved = checkUpdates(updates, (name, method) => this.table(name, method));
    this.stepCount++;
    for (const update of resolved) {
      this.sums.get(update.table)!.add(update, shard.index, shard.count);
    }
    const touchedRows: Record<string, number> = {};
    const { optimizer, l2 } = this.config;
    for (const [name, sums] of this.sums) {
      if (sums.count === 0) continue;
      const t = this.tables.get(name)!;
      const { touched: rows, blocks } = sums;
      for (let slot = 0; slot < sums.count; slot++) blocks[slot] = t.ensureRow(rows[slot]!);
      const touched = { blocks, gradients: sums.sums, count: sums.count };
      if (optimizer.kind === 'adam') lazyAdamUpdate(t, touched, optimizer, this.stepCount, l2);
      else lazyAdagradUpdate(t, touched, optimizer, l2);
      touchedRows[name] = sums.count;
      sums.clear();
    }
    return { step: this.stepCount, touchedRows };
  }

  /** A copy of the whole table ([rows * dim]), every row initialised first (O(rows)). */
  getWeights(table: string): Float32Array {
    const t = this.table(table, 'getWeights');
    t.ensureAllRows();
    return t.readPart(0);
  }

  /**
   * Replaces a table's rows ([rows * dim]); row 0 must be zeros. Optimizer slots of rows never
   * touched before start fresh; slots of touched rows are kept.
   */
  setWeights(table: string, values: Float32Array): void {
    const t = this.table(table, 'setWeights');
    if (values.length !== t.rows * t.dim) {
      throw new ShapeError(`EmbeddingBank.setWeights(${table}) has the wrong length`, {
        expected: `rows * dim = ${t.rows * t.dim}`,
        found: `length ${values.length}`,
      });
    }
    for (let j = 0; j < t.dim; j++) {
      if (values[j] !== 0) {
        throw new DataError(`EmbeddingBank.setWeights(${table}): the padding row must be zeros`, {
          where: { field: table, index: j },
          expected: '0',
          found: values[j],
        });
      }
    }
    t.ensureAllRows();
    t.writePart(0, values);
  }

  /** The bank's checkpoint state: copies of every table's rows, slots and bitset. */
  getState(): EmbeddingBankState {
    const { optimizer, seed, initializer, l2 } = this.config;
    const slots = slotNames(optimizer);
    const arrays: Record<string, ReturnType<typeof tableArrays>> = {};
    for (const t of this.tables.values()) arrays[t.name] = tableArrays(t, slots);
    return {
      metadata: {
        format: EMBEDDING_STATE_FORMAT,
        version: EMBEDDING_STATE_VERSION,
        step: this.stepCount,
        seed,
        initializer,
        optimizer,
        l2,
        tables: [...this.tables.values()].map((t) => ({
          name: t.name,
          rows: t.rows,
          dim: t.dim,
          slots,
          initializedRows: t.initializedRows,
        })),
      },
      arrays,
    };
  }

  /**
   * Restores a state from `getState` (copied in). The state must come from a bank with the same
   * tables, optimizer kind, seed and initializer; optimizer hyperparameters and l2 stay this
   * bank's.
   */
  setState(state: EmbeddingBankState): void {
    const tables = [...this.tables.values()];
    checkStateFits(state, tables, this.config);
    const slots = slotNames(this.config.optimizer);
    for (const t of tables) {
      const arrays = state.arrays[t.name]!;
      t.restore([arrays.values, ...slots.map((slot) => arrays.slots[slot]!)], arrays.initialized);
    }
    this.stepCount = state.metadata.step;
  }

  private table(name: string, method: string): EmbeddingTable {
    const t = this.tables.get(name);
    if (!t) {
      throw new ConfigError(`EmbeddingBank.${method}: unknown table "${name}"`, {
        expected: `one of ${this.tableNames.map((n) => `"${n}"`).join(', ')}`,
        found: name,
      });
    }
    return t;
  }
}
