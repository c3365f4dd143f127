/**
 * Error classes shared by every dtrn package.
 *
 * Errors are recognisable across duplicate copies of this package (two versions installed side by
 * side, or a bundled and an unbundled copy): each error carries a registry-wide `Symbol.for` marker
 * listing its kinds, and `instanceof` checks that marker instead of the prototype chain.
 */

const KINDS = Symbol.for('@dtrn/error.kinds');

/** Where a problem was found: a file position for data, an argument path for configs. */
export interface ErrorLocation {
  /** File name or other source description. */
  readonly file?: string;
  /** 1-based line number. */
  readonly line?: number;
  /** 1-based column number, or a column name. */
  readonly column?: number | string;
  /** Field, argument or key path, e.g. `tasks[1].name`. */
  readonly field?: string;
  /** Row or element index (0-based). */
  readonly index?: number;
}

export interface DtrnErrorDetails {
  /** What was expected, e.g. `an integer in [0, 10)`. */
  readonly expected?: string;
  /** What was found, e.g. `-3`. Strings are quoted in the message. */
  readonly found?: unknown;
  /** Where the problem was found. */
  readonly where?: ErrorLocation;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/** Formats a location as `file:line:column (field ..., index ...)`. */
export function formatLocation(where: ErrorLocation | undefined): string {
  if (!where) return '';
  const parts: string[] = [];
  if (where.file !== undefined) {
    let position = where.file;
    if (where.line !== undefined) position += `:${where.line}`;
    if (where.column !== undefined) position += `:${where.column}`;
    parts.push(position);
  } else if (where.line !== undefined) {
    parts.push(
      where.column !== undefined ? `line ${where.line}, column ${where.column}` : `line ${where.line}`,
    );
  }
  if (where.field !== undefined) parts.push(`field ${where.field}`);
  if (where.index !== undefined) parts.push(`index ${where.index}`);
  return parts.join(', ');
}

/** Renders a found value for a message: strings quoted, long values cut. */
export function describeValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    text = String(value);
  else if (value === undefined) text = 'undefined';
  else if (value === null) text = 'null';
  else if (Array.isArray(value)) text = `[${value.map(describeValue).join(', ')}]`;
  else if (ArrayBuffer.isView(value))
    text = `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

function composeMessage(message: string, details: DtrnErrorDetails): string {
  const location = formatLocation(details.where);
  let text = location ? `${location}: ${message}` : message;
  const tail: string[] = [];
  if (details.expected !== undefined) tail.push(`expected ${details.expected}`);
  if ('found' in details) tail.push(`found ${describeValue(details.found)}`);
  if (tail.length > 0) text += ` (${tail.join(', ')})`;
  return text;
}

/** Base class of every error a dtrn package throws on purpose. */
export class DtrnError extends Error {
  /** Kind name checked by `instanceof`; each subclass overrides it. */
  static readonly kind: string = 'DtrnError';
  readonly expected: string | undefined;
  readonly found: unknown;
  readonly where: ErrorLocation | undefined;
  declare readonly [KINDS]: readonly string[];

  constructor(message: string, details: DtrnErrorDetails = {}) {
    super(
      composeMessage(message, details),
      details.cause !== undefined ? { cause: details.cause } : undefined,
    );
    const kinds: string[] = [];
    for (let ctor = new.target as typeof DtrnError | undefined; ctor; ctor = Object.getPrototypeOf(ctor)) {
      if (!Object.hasOwn(ctor, 'kind')) continue;
      kinds.push(ctor.kind);
      if (ctor === DtrnError || ctor.kind === 'DtrnError') break;
    }
    Object.defineProperty(this, KINDS, { value: Object.freeze(kinds), enumerable: false });
    this.name = kinds[0] ?? 'DtrnError';
    this.expected = details.expected;
    this.found = details.found;
    this.where = details.where;
  }

  /** `instanceof` works across duplicate package copies: it checks the kind marker. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass being tested against
    return hasKind(value, this.kind);
  }
}

function hasKind(value: unknown, kind: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const kinds = (value as { [KINDS]?: unknown })[KINDS];
  return Array.isArray(kinds) && kinds.includes(kind);
}

/** An invalid configuration or argument: unknown keys, bad values, inconsistent definitions. */
export class ConfigError extends DtrnError {
  static override readonly kind: string = 'ConfigError';
}

/** A tensor or array whose shape differs from what an operation needs. */
export class ShapeError extends DtrnError {
  static override readonly kind: string = 'ShapeError';
}

/** Invalid input data: malformed rows, labels outside {0, 1}, NaN, ids out of range. */
export class DataError extends DtrnError {
  static override readonly kind: string = 'DataError';
}

/** True for an error thrown by any copy of any dtrn package. */
export function isDtrnError(value: unknown): value is DtrnError {
  return hasKind(value, 'DtrnError');
}
export function isConfigError(value: unknown): value is ConfigError {
  return hasKind(value, 'ConfigError');
}
export function isShapeError(value: unknown): value is ShapeError {
  return hasKind(value, 'ShapeError');
}
export function isDataError(value: unknown): value is DataError {
  return hasKind(value, 'DataError');
}
