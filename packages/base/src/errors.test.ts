import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DataError,
  DtrnError,
  formatLocation,
  isConfigError,
  isDataError,
  isDtrnError,
  isShapeError,
  ShapeError,
} from './errors.js';

describe('errors', () => {
  it('composes location, expected and found into the message', () => {
    const error = new DataError('label must be 0 or 1', {
      where: { file: 'train.csv', line: 12, column: 3, field: 'click' },
      expected: '0 or 1',
      found: '2',
    });
    expect(error.message).toBe(
      'train.csv:12:3, field click: label must be 0 or 1 (expected 0 or 1, found "2")',
    );
    expect(error.name).toBe('DataError');
    expect(error.expected).toBe('0 or 1');
    expect(error.found).toBe('2');
    expect(error.where?.line).toBe(12);
  });

  it('supports instanceof for the class and its base', () => {
    const error = new ShapeError('bad shape');
    expect(error).toBeInstanceOf(ShapeError);
    expect(error).toBeInstanceOf(DtrnError);
    expect(error).toBeInstanceOf(Error);
    expect(error instanceof ConfigError).toBe(false);
    expect(isShapeError(error)).toBe(true);
    expect(isDataError(error)).toBe(false);
  });

  it('is recognised across duplicate package copies through the Symbol.for marker', () => {
    // A foreign copy: a plain object carrying the same registry-wide marker.
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('@dtrn/error.kinds')]: ['ConfigError', 'DtrnError'],
    });
    expect(foreign instanceof ConfigError).toBe(true);
    expect(foreign instanceof DtrnError).toBe(true);
    expect(foreign instanceof DataError).toBe(false);
    expect(isConfigError(foreign)).toBe(true);
    expect(isDtrnError(foreign)).toBe(true);
    expect(isDtrnError(new Error('plain'))).toBe(false);
    expect(isDtrnError(null)).toBe(false);
  });

  it('keeps the cause', () => {
    const cause = new Error('disk full');
    const error = new DtrnError('could not write', { cause });
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('could not write');
  });

  it('formats partial locations', () => {
    expect(formatLocation({ line: 4 })).toBe('line 4');
    expect(formatLocation({ line: 4, column: 2 })).toBe('line 4, column 2');
    expect(formatLocation({ field: 'scores', index: 7 })).toBe('field scores, index 7');
    expect(formatLocation(undefined)).toBe('');
  });

  it('cuts very long found values', () => {
    const error = new DataError('too long', { found: 'x'.repeat(500) });
    expect(error.message.length).toBeLessThan(260);
    expect(error.message.endsWith('...)')).toBe(true);
  });
});
