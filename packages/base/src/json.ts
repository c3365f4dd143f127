/**
 * `parseJson`: JSON.parse for files a user hands us (configs, manifests, checkpoints). Besides the
 * syntax it refuses what JSON.parse lets through silently: duplicate keys (JSON.parse keeps the
 * last), numbers that overflow a double (`1e309` becomes Infinity) and `__proto__` keys. A leading
 * UTF-8 byte order mark is ignored (RFC 8259 allows it). Every error names the file, the line and
 * the key path.
 */
import { ConfigError, DataError, type ErrorLocation } from './errors.js';

export interface ParseJsonOptions {
  /** File name (or other source) for messages. */
  readonly file?: string;
  /** Error class thrown: `'data'` (DataError, default) or `'config'` (ConfigError). */
  readonly error?: 'data' | 'config';
}

/** A problem the scanner found: message, key path and text offset. */
interface Problem {
  readonly message: string;
  readonly path: string;
  readonly offset: number;
}

interface Frame {
  readonly path: string;
  /** Keys seen so far; null for an array. */
  readonly keys: Set<string> | null;
  expectKey: boolean;
  lastKey: string;
  index: number;
}

function childPath(frame: Frame | undefined): string {
  if (!frame) return '';
  if (frame.keys === null) return `${frame.path}[${frame.index}]`;
  return frame.path ? `${frame.path}.${frame.lastKey}` : frame.lastKey;
}

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Scans valid JSON text for duplicate keys, `__proto__` keys and overflowing numbers. */
function scan(text: string): Problem | null {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const top = stack.at(-1);
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const path = top.path ? `${top.path}.${key}` : key;
        if (key === '__proto__') return { message: 'the key "__proto__" is not allowed', path, offset: i };
        if (top.keys.has(key)) return { message: `duplicate key "${key}"`, path, offset: i };
        top.keys.add(key);
        top.lastKey = key;
        top.expectKey = false;
      }
      i = j + 1;
    } else if (c === '{' || c === '[') {
      stack.push({
        path: childPath(top),
        keys: c === '{' ? new Set() : null,
        expectKey: true,
        lastKey: '',
        index: 0,
      });
      i += 1;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i += 1;
    } else if (c === ',') {
      if (top?.keys) top.expectKey = true;
      else if (top) top.index += 1;
      i += 1;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const token = NUMBER.exec(text)![0];
      if (!Number.isFinite(Number(token))) {
        return {
          message: `the number ${token} overflows a double (it would become ${Number(token)})`,
          path: childPath(top),
          offset: i,
        };
      }
      i += token.length;
    } else {
      i += 1;
    }
  }
  return null;
}

/** 1-based line and column of `offset` in `text`. */
function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line += 1;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** Parses JSON text strictly (see the file comment); throws a located DataError or ConfigError. */
export function parseJson(text: string, options: ParseJsonOptions = {}): unknown {
  const ErrorClass = options.error === 'config' ? ConfigError : DataError;
  const file = options.file;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const where = (extra: ErrorLocation = {}): ErrorLocation => ({
    ...(file === undefined ? {} : { file }),
    ...extra,
  });
  if (body.trim() === '') {
    throw new ErrorClass('the file is empty', { where: where(), expected: 'a JSON value' });
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (cause) {
    const message = (cause as Error).message;
    const at = /at position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : /end of JSON input/.test(message) ? body.length : null;
    const located = offset === null ? {} : position(body, offset);
    throw new ErrorClass(`not valid JSON: ${message}`, { where: where(located), cause });
  }
  const problem = scan(body);
  if (problem) {
    const { line, column } = position(body, problem.offset);
    throw new ErrorClass(problem.message, {
      where: where({ line, column, ...(problem.path ? { field: problem.path } : {}) }),
    });
  }
  return value;
}

/** Describes a parsed top-level value for "expected an object" messages: `null`, `an array`, ... */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value} (${String(value).slice(0, 40)})`;
}
