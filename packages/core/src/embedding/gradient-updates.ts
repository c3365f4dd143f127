/**
 * Validation of `EmbeddingBank.applyGradients` arguments: the row updates and the optional shard.
 */
import { ConfigError, ShapeError } from '@dtrn/base';
import { checkRowIds, type EmbeddingTable } from './table.js';

/** Row gradients of one looked-up input: `gradients[i * dim + j]` belongs to `ids[i]`. */
export interface EmbeddingUpdate {
  readonly table: string;
  readonly ids: Int32Array;
  /** [ids.length * dim] */
  readonly gradients: Float32Array;
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

/** Checks every update (table, ids, gradient length) before anything changes. */
export function checkUpdates(
  updates: readonly EmbeddingUpdate[],
  table: (name: string, method: string) => EmbeddingTable,
): void {
  updates.forEach((update, u) => {
    const t = table(update.table, `applyGradients (update ${u})`);
    checkRowIds(t, update.ids, `applyGradients (update ${u})`);
    if (
      !(update.gradients instanceof Float32Array) ||
      update.gradients.length !== update.ids.length * t.dim
    ) {
      throw new ShapeError(`EmbeddingBank.applyGradients: update ${u} (${t.name}) has the wrong length`, {
        expected: `a Float32Array of ids.length * dim = ${update.ids.length} * ${t.dim} gradients`,
        found: `length ${update.gradients?.length}`,
      });
    }
  });
}
