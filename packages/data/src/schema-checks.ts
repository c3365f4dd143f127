/**
 * Small strict-validation helpers for the schema and for JSON artifacts (vocabularies, shard
 * manifests). They wrap `@dtrn/base` so every message names the path that was wrong.
 */
import {
  assertKnownKeys,
  assertPlainObject,
  ConfigError,
  checkString,
  closestMatch,
  DataError,
  isConfigError,
} from '@dtrn/base';

/** Checks `value` is a plain object whose keys are all in `allowed`; returns it typed. */
export function checkObject(
  value: unknown,
  allowed: readonly string[],
  where: string,
): Record<string, unknown> {
  assertPlainObject(value, where);
  assertKnownKeys(value, allowed, where);
  return value;
}

/** Throws when a required key is missing. */
export function requireKey(object: Record<string, unknown>, key: string, where: string): unknown {
  const value = object[key];
  if (value === undefined) {
    throw new ConfigError(`${where}: missing required key "${key}"`, { expected: `a value for "${key}"` });
  }
  return value;
}

/** Checks an array (optionally allowed empty) and returns it. */
export function checkArray(value: unknown, where: string, options: { allowEmpty?: boolean } = {}): unknown[] {
  if (!Array.isArray(value) || (!options.allowEmpty && value.length === 0)) {
    throw new ConfigError(`${where} is invalid`, {
      expected: options.allowEmpty ? 'an array' : 'a non-empty array',
      found: value,
    });
  }
  return value;
}

/** A non-empty name without surrounding whitespace or '/' (names become column and file keys). */
export function checkName(value: unknown, where: string): string {
  return checkString(value, where, { pattern: /^[^/\s](?:[^/]*[^/\s])?$/ });
}

/** Throws a ConfigError when `name` was already seen in `seen` (which it then records). */
export function checkUnique(name: string, seen: Map<string, string>, where: string, kind: string): void {
  const previous = seen.get(name);
  if (previous !== undefined) {
    throw new ConfigError(`${where}: duplicate ${kind} name "${name}" (already used by ${previous})`);
  }
  seen.set(name, where);
}

/**
 * Runs `check` and turns a ConfigError into a DataError located at `file` (for validating JSON files
 * that are data, not configuration).
 */
export function asDataError<T>(file: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (isConfigError(error)) {
      throw new DataError(`malformed ${file}: ${error.message}`, { where: { file }, cause: error });
    }
    throw error;
  }
}

/** Names a referenced entity, adding "did you mean" when a close name exists. */
export function unknownReference(
  where: string,
  kind: string,
  name: unknown,
  known: readonly string[],
): ConfigError {
  const hint = typeof name === 'string' ? closestMatch(name, known) : undefined;
  return new ConfigError(`${where}: unknown ${kind}${hint ? `; did you mean "${hint}"?` : ''}`, {
    expected: known.length > 0 ? `one of ${known.map((k) => `"${k}"`).join(', ')}` : `a declared ${kind}`,
    found: name,
  });
}
