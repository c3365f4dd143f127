/**
 * Validation of `EmbeddingBank.applyGradients` arguments: the row updates and the optional shard.
 */
import { ConfigError, ShapeError } from '@dtrn/base';
import { checkRowIds, type EmbeddingTable } from './table.js';

/**
 * Row gradients of one looked-up input. Id i's gradient is the `dim` floats of `gradients` at
 * `gradientOffset + r * gradientStride`, where r = `gradientRows[i]` (or i without
 * `gradientRows`). The defaults (no rows, stride dim, offset 0) mean `gradients[i * dim + j]`
 * belongs to `ids[i]`. The other forms let a caller hand over a gradient as it comes out of the
 * backward pass, without copying it per id: one field of a `[B, F, d]` input (stride F * d, offset
 * f * d), a column range of a wider input (offset = first column), or one gradient per sequence
 * that each of its ids receives (`gradientRows` = the sequence of each id, e.g. a pooled input).
 */
export interface EmbeddingUpdate {
  readonly table: string;
  readonly ids: Int32Array;
  readonly gradients: Float32Array;
  /** [ids.length] row of `gradients` holding each id's gradient (default: id i uses row i). */
  readonly gradientRows?: Int32Array;
  /** Floats between consecutive gradient rows. Default: the table's dim. Integer >= 1. */
  readonly gradientStride?: number;
  /** Float index of row 0's gradient. Default 0. Integer >= 0. */
  readonly gradientOffset?: number;
}

/** An update with its gradient layout resolved and checked. */
export interface ResolvedUpdate {
  readonly table: string;
  readonly ids: Int32Array;
  readonly gradients: Float32Array;
  readonly gradientRows: Int32Array | null;
  readonly stride: number;
  readonly offset: number;
}

/**
 * Part `index` of `count` disjoint parts of the touched rows: rows r with r % count === index.
 * `count` threads, each applying the same updates with its own index, update every touched row
 * exactly once between them.
 */
export interface RowShard {
  /** Integer in [0, count). */
  readonly index: number;
  /** Integer >= 1. */
  readonly count: number;
}

export interface ApplyGradientsOptions {
  /** Update only this shard's rows (default: every touched row). */
  readonly shard?: RowShard;
}

/** The shard of `options` (default { index: 0, count: 1 }), checked strictly. */
export function resolveShard(options: ApplyGradientsOptions | undefined): RowShard {
  const where = 'EmbeddingBank.applyGradients: options';
  if (options === undefined) return { index: 0, count: 1 };
  if (!options || typeof options !== 'object') {
    throw new ConfigError(`${where} must be an object`, {
      expected: '{ shard?: { index, count } }',
      found: options,
    });
  }
  const unknown = Object.keys(options).find((key) => key !== 'shard');
  if (unknown !== undefined) {
    throw new ConfigError(`${where}: unknown key "${unknown}"`, { expected: '"shard"', found: unknown });
  }
  const shard = options.shard;
  if (shard === undefined) return { index: 0, count: 1 };
  const { index, count } = (shard ?? {}) as Partial<RowShard>;
  if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > 2 ** 31 - 1) {
    throw new ConfigError(`${where}.shard.count is invalid`, { expected: 'an integer >= 1', found: count });
  }
  if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= (count as number)) {
    throw new ConfigError(`${where}.shard.index is invalid`, {
      expected: `an integer in [0, ${count})`,
      found: index,
    });
  }
  return { index: index as number, count: count as number };
}

/** Largest entry of `rows` (-1 when empty), throwing on a negative entry. */
function largestRow(rows: Int32Array, where: string): number {
  let largest = -1;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row < 0) {
      throw new ShapeError(`${where}: gradientRows[${i}] is negative`, { expected: '>= 0', found: row });
    }
    if (row > largest) largest = row;
  }
  return largest;
}

/**
 * Checks every update (table, ids, gradient layout and length) before anything changes, and
 * returns them with their layouts resolved.
 */
export function checkUpdates(
  updates: readonly EmbeddingUpdate[],
  table: (name: string, method: string) => EmbeddingTable,
): ResolvedUpdate[] {
  return updates.map((update, u) => {
    const method = `applyGradients (update ${u})`;
    const t = table(update.table, method);
    checkRowIds(t, update.ids, method);
    const where = `EmbeddingBank.applyGradients: update ${u} (${t.name})`;
    const stride = update.gradientStride ?? t.dim;
    const offset = update.gradientOffset ?? 0;
    if (!Number.isInteger(stride) || stride < 1) {
      throw new ConfigError(`${where}: gradientStride is invalid`, {
        expected: 'an integer >= 1',
        found: stride,
      });
    }
    if (!Number.isInteger(offset) || offset < 0) {
      throw new ConfigError(`${where}: gradientOffset is invalid`, {
        expected: 'an integer >= 0',
        found: offset,
      });
    }
    const rows = update.gradientRows ?? null;
    if (rows !== null && (!(rows instanceof Int32Array) || rows.length !== update.ids.length)) {
      throw new ShapeError(`${where}: gradientRows must be an Int32Array with one row per id`, {
        expected: `length ${update.ids.length}`,
        found: rows instanceof Int32Array ? `length ${rows.length}` : rows,
      });
    }
    const lastRow = rows === null ? update.ids.length - 1 : largestRow(rows, where);
    const needed = lastRow < 0 ? 0 : offset + lastRow * stride + t.dim;
    const defaults = rows === null && stride === t.dim && offset === 0;
    const lengthOk = defaults ? update.gradients?.length === needed : update.gradients?.length >= needed;
    if (!(update.gradients instanceof Float32Array) || !lengthOk) {
      throw new ShapeError(`${where} has the wrong length`, {
        expected: defaults
          ? `a Float32Array of ids.length * dim = ${update.ids.length} * ${t.dim} gradients`
          : `a Float32Array of at least gradientOffset + ${lastRow} * gradientStride + dim = ${needed} gradients`,
        found: `length ${update.gradients?.length}`,
      });
    }
    return {
      table: update.table,
      ids: update.ids,
      gradients: update.gradients,
      gradientRows: rows,
      stride,
      offset,
    };
  });
}

/**
 * The per-id gradients of `update` in the default layout ([ids.length * dim], id i's gradient at
 * i * dim), whatever layout the update uses. `dim` is the update's table width. Copies.
 */
export function rowGradientsOf(update: EmbeddingUpdate, dim: number): Float32Array {
  const stride = update.gradientStride ?? dim;
  const offset = update.gradientOffset ?? 0;
  const rows = update.gradientRows;
  const out = new Float32Array(update.ids.length * dim);
  for (let i = 0; i < update.ids.length; i++) {
    const from = offset + (rows ? rows[i]! : i) * stride;
    out.set(update.gradients.subarray(from, from + dim), i * dim);
  }
  return out;
}
