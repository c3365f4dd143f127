/** Small strict-validation helpers over @dtrn/base: every message names the key path. */
import {
  assertKnownKeys,
  assertPlainObject,
  ConfigError,
  checkNumber,
  checkString,
  closestMatch,
  type NumberRule,
} from '@dtrn/base';

export type RawObject = Record<string, unknown>;

/** A plain object whose keys are all in `allowed` (an unknown key names the closest valid one). */
export function object(value: unknown, allowed: readonly string[], where: string): RawObject {
  assertPlainObject(value, where);
  assertKnownKeys(value, allowed, where);
  return value;
}

export function required(raw: RawObject, key: string, where: string): unknown {
  if (raw[key] === undefined) {
    throw new ConfigError(`${where}: missing required key "${key}"`, { expected: `a value for "${key}"` });
  }
  return raw[key];
}

export function text(value: unknown, where: string): string {
  return checkString(value, where);
}

export function optionalText(value: unknown, where: string): string | undefined {
  return value === undefined ? undefined : checkString(value, where);
}

export function optionalInteger(value: unknown, rule: NumberRule, where: string): number | undefined {
  return value === undefined ? undefined : checkNumber(value, { ...rule, integer: true }, where);
}

/** A non-empty array of non-empty strings (numbers are accepted and written as strings: `1` is "1"). */
export function textList(value: unknown, where: string, options: { allowEmpty?: boolean } = {}): string[] {
  if (!Array.isArray(value) || (!options.allowEmpty && value.length === 0)) {
    throw new ConfigError(`${where} is invalid`, {
      expected: `${options.allowEmpty ? 'an' : 'a non-empty'} array of strings`,
      found: value,
    });
  }
  return value.map((item, index) => {
    if (typeof item === 'number' && Number.isFinite(item)) return String(item);
    if (typeof item !== 'string') {
      throw new ConfigError(`${where}[${index}] is invalid`, { expected: 'a string', found: item });
    }
    return item;
  });
}

/** A list of strings where the empty string is allowed (null markers). */
export function markerList(value: unknown, where: string): string[] {
  if (!Array.isArray(value))
    throw new ConfigError(`${where} is invalid`, { expected: 'an array of strings', found: value });
  return value.map((item, index) => {
    if (typeof item !== 'string') {
      throw new ConfigError(`${where}[${index}] is invalid`, { expected: 'a string', found: item });
    }
    return item;
  });
}

/** Throws when `name` is not among `known`, naming the closest one. */
export function reference(name: string, known: readonly string[], where: string, kind: string): void {
  if (known.includes(name)) return;
  const closest = closestMatch(name, known);
  throw new ConfigError(
    `${where}: unknown ${kind} "${name}"${closest ? `; did you mean "${closest}"?` : ''}`,
    { expected: known.length > 0 ? `one of ${known.map((k) => `"${k}"`).join(', ')}` : `a ${kind}` },
  );
}

/** Throws on a repeated name. */
export function unique(names: readonly string[], where: string, kind: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new ConfigError(`${where}: duplicate ${kind} "${name}"`);
    seen.add(name);
  }
}

/** A name usable in the schema: non-empty, no '/', no surrounding spaces. */
export function schemaName(value: unknown, where: string): string {
  return checkString(value, where, { pattern: /^[^/\s](?:[^/]*[^/\s])?$/ });
}
