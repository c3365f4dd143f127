/** Canonical keys of raw ids: numbers and their decimal strings are the same id. */
import { DataError, type ErrorLocation } from '@dtrn/base';

/** A raw id as found in the data: a string token or a finite number. */
export type RawId = string | number;

/**
 * The canonical string key of a raw id: strings as they are (non-empty), numbers as `String(n)`
 * (so `42` and `'42'` are the same id). Throws a DataError for empty strings and non-finite numbers.
 */
export function rawIdKey(rawId: RawId, where?: ErrorLocation): string {
  if (typeof rawId === 'number') {
    if (!Number.isFinite(rawId)) {
      throw new DataError('raw id must be a finite number or a non-empty string', {
        ...(where ? { where } : {}),
        expected: 'a finite number or a non-empty string',
        found: rawId,
      });
    }
    return String(rawId);
  }
  if (typeof rawId !== 'string' || rawId.length === 0) {
    throw new DataError('raw id must be a finite number or a non-empty string', {
      ...(where ? { where } : {}),
      expected: 'a finite number or a non-empty string',
      found: rawId,
    });
  }
  return rawId;
}

const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/**
 * Orders raw id keys: numeric keys (plain decimals) by value first, then other keys by UTF-16
 * code units. Used to break frequency ties deterministically.
 */
export function compareRawIdKeys(a: string, b: string): number {
  const aNumeric = DECIMAL.test(a);
  const bNumeric = DECIMAL.test(b);
  if (aNumeric && bNumeric) {
    const difference = Number(a) - Number(b);
    if (difference !== 0) return difference;
  } else if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
