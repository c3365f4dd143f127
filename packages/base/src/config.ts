/**
 * Strict config validation: unknown keys and bad enum values name the closest valid one, numbers
 * are range-checked, and every message says where (`MmoeArgs.numExperts`).
 */
import { ConfigError } from './errors.js';

/** Levenshtein edit distance. */
export function editDistance(a: string, b: string): number {
  const previous = new Array<number>(b.length + 1);
  const current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    for (let j = 0; j <= b.length; j++) previous[j] = current[j]!;
  }
  return previous[b.length]!;
}

/** The candidate closest to `name` (case-insensitive edit distance), if any is reasonably close. */
export function closestMatch(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  const limit = Math.max(2, Math.ceil(name.length / 3));
  return bestDistance <= limit ? best : undefined;
}

function suggestion(name: string, candidates: readonly string[]): string {
  const match = closestMatch(name, candidates);
  return match ? `; did you mean "${match}"?` : '';
}

/** Throws unless `value` is a plain object (not null, not an array). */
export function assertPlainObject(value: unknown, where: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${where} must be an object`, { expected: 'an object', found: value });
  }
}

/** Throws a ConfigError for the first key of `value` not in `allowed`, naming the closest valid key. */
export function assertKnownKeys(value: object, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(
        `${where}: unknown key "${key}"${suggestion(key, allowed)} (valid keys: ${allowed.join(', ')})`,
      );
    }
  }
}

export interface NumberRule {
  /** Inclusive lower bound. */
  readonly min?: number;
  /** Inclusive upper bound. */
  readonly max?: number;
  /** Exclusive lower bound. */
  readonly above?: number;
  /** Exclusive upper bound. */
  readonly below?: number;
  /** Require an integer. */
  readonly integer?: boolean;
}

function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a finite number';
  const bounds: string[] = [];
  if (rule.min !== undefined) bounds.push(`>= ${rule.min}`);
  if (rule.above !== undefined) bounds.push(`> ${rule.above}`);
  if (rule.max !== undefined) bounds.push(`<= ${rule.max}`);
  if (rule.below !== undefined) bounds.push(`< ${rule.below}`);
  return bounds.length > 0 ? `${kind} ${bounds.join(' and ')}` : kind;
}

/** Checks a number against a rule; returns it. */
export function checkNumber(value: unknown, rule: NumberRule, where: string): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max) &&
    (rule.above === undefined || value > rule.above) &&
    (rule.below === undefined || value < rule.below);
  if (!ok) throw new ConfigError(`${where} is invalid`, { expected: describeRule(rule), found: value });
  return value as number;
}

/** Returns `value` checked, or `fallback` when `value` is undefined. */
export function optionalNumber(value: unknown, fallback: number, rule: NumberRule, where: string): number {
  return value === undefined ? fallback : checkNumber(value, rule, where);
}

/** Checks that `value` is one of `allowed`, naming the closest on failure. */
export function checkEnum<T extends string>(value: unknown, allowed: readonly T[], where: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const hint = typeof value === 'string' ? suggestion(value, allowed) : '';
  throw new ConfigError(`${where} is invalid${hint}`, {
    expected: `one of ${allowed.map((v) => `"${v}"`).join(', ')}`,
    found: value,
  });
}

export function optionalEnum<T extends string>(
  value: unknown,
  fallback: T,
  allowed: readonly T[],
  where: string,
): T {
  return value === undefined ? fallback : checkEnum(value, allowed, where);
}

export function checkBoolean(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean')
    throw new ConfigError(`${where} is invalid`, { expected: 'a boolean', found: value });
  return value;
}

export function optionalBoolean(value: unknown, fallback: boolean, where: string): boolean {
  return value === undefined ? fallback : checkBoolean(value, where);
}

/** Checks a non-empty array of numbers, each against `rule`; returns a frozen copy. */
export function checkNumberArray(
  value: unknown,
  rule: NumberRule,
  where: string,
  options: { allowEmpty?: boolean } = {},
): readonly number[] {
  if (!Array.isArray(value) || (!options.allowEmpty && value.length === 0)) {
    throw new ConfigError(`${where} is invalid`, {
      expected: `${options.allowEmpty ? 'an' : 'a non-empty'} array of ${describeRule(rule)}`,
      found: value,
    });
  }
  return Object.freeze(value.map((item, index) => checkNumber(item, rule, `${where}[${index}]`)));
}

export function checkString(value: unknown, where: string, options: { pattern?: RegExp } = {}): string {
  if (typeof value !== 'string' || value.length === 0 || (options.pattern && !options.pattern.test(value))) {
    throw new ConfigError(`${where} is invalid`, {
      expected: options.pattern ? `a string matching ${options.pattern}` : 'a non-empty string',
      found: value,
    });
  }
  return value;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep merge of config values: objects merge key by key, anything else (arrays included) replaces.
 * `undefined` values in `override` are ignored, so an unset option keeps the base's value. A
 * `__proto__` key is refused (ConfigError). Neither argument is modified.
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainRecord(base) || !isPlainRecord(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (key === '__proto__') throw new ConfigError('the key "__proto__" is not allowed in a config');
    merged[key] = deepMerge(Object.hasOwn(base, key) ? base[key] : undefined, value);
  }
  return merged;
}
