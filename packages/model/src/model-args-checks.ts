/** Helpers of `resolveModelArgs`: frozen copies, keys the model sets, block errors with their path. */
import {
  assertKnownKeys,
  assertPlainObject,
  ConfigError,
  checkNumber,
  checkString,
  isConfigError,
} from '@dtrn/base';
import { resolveEmbeddingInitializerArgs, resolveSparseOptimizerArgs } from '@dtrn/core';

/**
 * `resolveModelArgs`'s results by input: its own results and deep-frozen inputs, so args resolved
 * once are not resolved again (e.g. by `createModel`). Mutable inputs are never remembered.
 */
export const remembered = new WeakMap<object, object>();

/** True when nothing inside `value` can change. */
export function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

/** Freezes `value` and everything inside it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** A frozen deep copy of a plain JSON object (undefined: {}), so later edits of the input cannot leak in. */
export function plainCopy(value: unknown, where: string): Readonly<Record<string, unknown>> {
  if (value === undefined) return Object.freeze({});
  assertPlainObject(value, where);
  return deepFreeze(JSON.parse(JSON.stringify(value)) as Record<string, unknown>);
}

export function rejectSetByModel(
  value: Readonly<Record<string, unknown>>,
  keys: readonly string[],
  where: string,
) {
  for (const key of keys) {
    if (key in value) {
      throw new ConfigError(`${where}.${key} is set by the model`, {
        expected: `no "${key}" (derived from the schema and the model config)`,
        found: value[key],
      });
    }
  }
}

/** Runs a block's resolver; its ConfigError gets the ModelArgs path in front (`ModelArgs.headArgs: MmoeArgs: ...`). */
export function withPath<T>(where: string, resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    if (!isConfigError(error)) throw error;
    throw new ConfigError(`${where}: ${(error as Error).message}`, { cause: error });
  }
}

/** `ModelArgs.embeddings` checked (its optimizer and initializer by core's resolvers), as written. */
export function resolveEmbeddings(value: unknown, where: string): Readonly<Record<string, unknown>> {
  const embeddings = plainCopy(value, where);
  assertKnownKeys(embeddings, ['optimizer', 'l2', 'initializer'], where);
  if (embeddings.optimizer !== undefined)
    resolveSparseOptimizerArgs(embeddings.optimizer, `${where}.optimizer`);
  if (embeddings.initializer !== undefined) {
    resolveEmbeddingInitializerArgs(embeddings.initializer, `${where}.initializer`);
  }
  if (embeddings.l2 !== undefined) checkNumber(embeddings.l2, { min: 0 }, `${where}.l2`);
  return embeddings;
}

export function resolveExcludeFields(value: unknown, where: string): readonly string[] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value)) {
    throw new ConfigError(`${where} is invalid`, { expected: 'an array of field names', found: value });
  }
  return Object.freeze(value.map((name, i) => checkString(name, `${where}[${i}]`)));
}
