import { describe, expect, it } from 'vitest';
import {
  assertKnownKeys,
  assertPlainObject,
  checkBoolean,
  checkEnum,
  checkNumber,
  checkNumberArray,
  checkString,
  closestMatch,
  deepMerge,
  editDistance,
  optionalEnum,
  optionalNumber,
} from './config.js';
import { ConfigError } from './errors.js';

describe('config validation', () => {
  it('computes edit distances and closest matches', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(closestMatch('numExpert', ['numExperts', 'units', 'activation'])).toBe('numExperts');
    expect(closestMatch('NUMEXPERTS', ['numExperts'])).toBe('numExperts');
    expect(closestMatch('zzzzzz', ['numExperts', 'units'])).toBeUndefined();
  });

  it('rejects unknown keys naming the closest valid key', () => {
    expect(() => assertKnownKeys({ numExpert: 4 }, ['numExperts', 'units'], 'MmoeArgs')).toThrow(
      'MmoeArgs: unknown key "numExpert"; did you mean "numExperts"? (valid keys: numExperts, units)',
    );
    expect(() => assertKnownKeys({ units: 4 }, ['numExperts', 'units'], 'MmoeArgs')).not.toThrow();
  });

  it('checks numbers against rules with exact messages', () => {
    expect(checkNumber(3, { integer: true, min: 1 }, 'a.b')).toBe(3);
    expect(() => checkNumber(0, { integer: true, min: 1 }, 'MmoeArgs.numExperts')).toThrow(
      'MmoeArgs.numExperts is invalid (expected an integer >= 1, found 0)',
    );
    expect(() => checkNumber(Number.NaN, {}, 'x')).toThrow(
      'x is invalid (expected a finite number, found NaN)',
    );
    expect(() => checkNumber(1, { above: 0, below: 1 }, 'rate')).toThrow(
      'rate is invalid (expected a finite number > 0 and < 1, found 1)',
    );
    expect(() => checkNumber('3', {}, 'x')).toThrow(ConfigError);
    expect(optionalNumber(undefined, 5, { min: 0 }, 'x')).toBe(5);
    expect(() => optionalNumber(-1, 5, { min: 0, max: 9 }, 'x')).toThrow(
      'expected a finite number >= 0 and <= 9',
    );
  });

  it('checks enums with suggestions', () => {
    expect(checkEnum('mean', ['mean', 'flatten'], 'squeeze')).toBe('mean');
    expect(() => checkEnum('flaten', ['mean', 'flatten'], 'SenetArgs.squeeze')).toThrow(
      'SenetArgs.squeeze is invalid; did you mean "flatten"? (expected one of "mean", "flatten", found "flaten")',
    );
    expect(() => checkEnum(3, ['a'], 'x')).toThrow('x is invalid (expected one of "a", found 3)');
    expect(optionalEnum(undefined, 'b', ['a', 'b'], 'x')).toBe('b');
  });

  it('checks arrays, booleans, strings and objects', () => {
    expect(checkNumberArray([1, 2], { integer: true, min: 1 }, 'units')).toEqual([1, 2]);
    expect(() => checkNumberArray([1, 0], { integer: true, min: 1 }, 'units')).toThrow(
      'units[1] is invalid (expected an integer >= 1, found 0)',
    );
    expect(() => checkNumberArray([], { min: 1 }, 'units')).toThrow('expected a non-empty array');
    expect(checkNumberArray([], { min: 1 }, 'units', { allowEmpty: true })).toEqual([]);
    expect(checkBoolean(true, 'flag')).toBe(true);
    expect(() => checkBoolean(1, 'flag')).toThrow('flag is invalid (expected a boolean, found 1)');
    expect(checkString('click', 'name')).toBe('click');
    expect(() => checkString('', 'name')).toThrow('expected a non-empty string');
    expect(() => checkString('a b', 'name', { pattern: /^\w+$/ })).toThrow('expected a string matching');
    expect(() => assertPlainObject([], 'config')).toThrow(
      'config must be an object (expected an object, found [])',
    );
    expect(() => assertPlainObject(null, 'config')).toThrow(ConfigError);
  });

  it('deep-merges configs: objects key by key, arrays and scalars replace, undefined keeps the base', () => {
    const base = { a: 1, nested: { x: [1, 2], y: 'keep' }, list: [1] };
    const merged = deepMerge(base, { a: undefined, nested: { x: [3] }, list: [2, 3], extra: true });
    expect(merged).toEqual({ a: 1, nested: { x: [3], y: 'keep' }, list: [2, 3], extra: true });
    expect(base).toEqual({ a: 1, nested: { x: [1, 2], y: 'keep' }, list: [1] });
    expect(deepMerge(base, undefined)).toBe(base);
    expect(deepMerge([1], { a: 1 })).toEqual({ a: 1 });
    expect(() => deepMerge({}, JSON.parse('{"__proto__": {"polluted": 1}}'))).toThrow(ConfigError);
  });
});
