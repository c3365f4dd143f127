import { describe, expect, it } from 'vitest';
import { ConfigError, DataError } from './errors.js';
import { describeJsonType, parseJson } from './json.js';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('parseJson', () => {
  it('parses what JSON.parse parses, and ignores a leading byte order mark', () => {
    const text = '{"a": [1, 2.5e3, -0.5, {"b": null}], "c": "x\\"}"}';
    expect(parseJson(text)).toEqual(JSON.parse(text));
    expect(parseJson('\uFEFF{"a": 1}')).toEqual({ a: 1 });
    expect(parseJson('[]')).toEqual([]);
    expect(parseJson('null')).toBeNull();
  });

  it('refuses duplicate keys, naming the key, its path and line', () => {
    const error = errorOf(() =>
      parseJson('{\n "training": {\n  "epochs": 2,\n  "epochs": 3\n }\n}', { file: 'c.json' }),
    );
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe('c.json:4:3, field training.epochs: duplicate key "epochs"');
    // The same key in sibling objects is fine; so are keys equal to array indexes elsewhere.
    expect(parseJson('{"a": {"x": 1}, "b": {"x": 2}, "l": [{"x": 1}, {"x": 2}]}')).toBeTruthy();
    expect(errorOf(() => parseJson('[{"x": 1}, {"x": 1, "x": 2}]')).message).toContain('field [1].x');
  });

  it('refuses numbers that overflow a double instead of turning them into Infinity', () => {
    const error = errorOf(() =>
      parseJson('{"training": {"learningRate": 1e309}}', { file: 'c.json', error: 'config' }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      'c.json:1:31, field training.learningRate: the number 1e309 overflows a double (it would become Infinity)',
    );
    expect(errorOf(() => parseJson('[0, -2e400]')).message).toContain(
      'field [1]: the number -2e400 overflows',
    );
    expect(parseJson('[1e308, 1e-400]')).toEqual([1e308, 0]);
  });

  it('refuses "__proto__" keys (a decoder must never assign them)', () => {
    const error = errorOf(() => parseJson('{"a": {"__proto__": {"polluted": true}}}', { file: 'm.json' }));
    expect(error.message).toBe('m.json:1:8, field a.__proto__: the key "__proto__" is not allowed');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // "constructor" and "toString" are ordinary keys in JSON (the decoders check own properties).
    expect(parseJson('{"constructor": 1, "toString": 2}')).toEqual({ constructor: 1, toString: 2 });
  });

  it('says the file is empty, and locates syntax errors', () => {
    expect(errorOf(() => parseJson('  \n', { file: 'e.json' })).message).toBe(
      'e.json: the file is empty (expected a JSON value)',
    );
    expect(errorOf(() => parseJson('\uFEFF', { file: 'e.json' })).message).toContain('the file is empty');
    const syntax = errorOf(() => parseJson('{"a":\n 1 2}', { file: 's.json' }));
    expect(syntax.message).toMatch(/^s\.json:2:4: not valid JSON: Expected ',' or '}'/);
    expect(errorOf(() => parseJson('{"seeds": ', { file: 't.json' })).message).toBe(
      't.json:1:11: not valid JSON: Unexpected end of JSON input',
    );
  });

  it('describes top-level values for "expected an object" messages', () => {
    expect(describeJsonType(null)).toBe('null');
    expect(describeJsonType([1])).toBe('an array');
    expect(describeJsonType({})).toBe('an object');
    expect(describeJsonType(3)).toBe('a number (3)');
  });
});
