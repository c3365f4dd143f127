/** Validation of CSV cells shared by the Ali-CCP and AliExpress loaders (error path builds messages). */
import type { RowLedger } from '../bad-input.js';

export interface CellLocation {
  readonly file: string;
  readonly line: number;
  readonly ledger: RowLedger;
}

/** 1-based character column where CSV field `index` starts in `line`. */
export function columnOfField(line: string, index: number, separator = ','): number {
  let position = 0;
  for (let k = 0; k < index; k++) {
    const next = line.indexOf(separator, position);
    if (next < 0) return position + 1;
    position = next + 1;
  }
  return position + 1;
}

/** True when every character of a non-empty string is an ASCII digit. */
function allDigits(cell: string): boolean {
  if (cell.length === 0) return false;
  for (let i = 0; i < cell.length; i++) {
    const code = cell.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/**
 * Parses a 0/1 label cell; on failure records `non-numeric-label` or `label-out-of-range` (or
 * `non-finite`) and returns -1.
 */
export function parseLabel(cell: string, name: string, column: number, at: CellLocation): number {
  if (cell === '0') return 0;
  if (cell === '1') return 1;
  const where = { file: at.file, line: at.line, column };
  const value = cell.trim() === '' ? Number.NaN : Number(cell);
  if (cell.trim() === '' || (Number.isNaN(value) && !/^[+-]?nan$/i.test(cell.trim()))) {
    at.ledger.reject('non-numeric-label', `${name} is not a number`, {
      where,
      expected: '0 or 1',
      found: cell,
    });
  } else if (!Number.isFinite(value)) {
    at.ledger.reject('non-finite', `${name} is not finite`, { where, expected: '0 or 1', found: cell });
  } else if (value === 0 || value === 1) {
    return value;
  } else {
    at.ledger.reject('label-out-of-range', `${name} is outside {0, 1}`, {
      where,
      expected: '0 or 1',
      found: cell,
    });
  }
  return -1;
}

/** True when `cell` is a non-negative integer id that is exactly representable. */
export function isIdCell(cell: string): boolean {
  return allDigits(cell) && (cell.length < 16 || Number(cell) <= Number.MAX_SAFE_INTEGER);
}

/** Records why an id cell is bad (`malformed` for non-numbers, `non-finite`, or `id-out-of-range`). */
export function rejectIdCell(cell: string, name: string, column: number, at: CellLocation): void {
  const where = { file: at.file, line: at.line, column };
  const expected = `an integer id in [0, ${Number.MAX_SAFE_INTEGER}]`;
  const trimmed = cell.trim();
  const value = Number(trimmed);
  if (/^[+-]?(nan|inf|infinity)$/i.test(trimmed)) {
    at.ledger.reject('non-finite', `${name} is not finite`, { where, expected, found: cell });
  } else if (trimmed === '' || Number.isNaN(value)) {
    at.ledger.reject('malformed', `${name} is not a number`, { where, expected, found: cell });
  } else {
    at.ledger.reject('id-out-of-range', `${name} is out of range`, { where, expected, found: cell });
  }
}

/** What a float32 column holds: finite after rounding to float32 (|x| up to about 3.4028235e38). */
export const FLOAT32_EXPECTED = 'a finite float32 (|x| <= 3.4028235e38)';

/** True when `value` stays finite in a Float32Array (1e39 is finite as a double, Infinity as a float32). */
export function isFiniteFloat32(value: number): boolean {
  return Number.isFinite(Math.fround(value));
}

/**
 * Parses a number cell that goes into a float32 column; records `non-finite` (NaN, infinities, and
 * values that overflow float32) or `malformed` and returns undefined on failure.
 */
export function parseFinite(
  cell: string,
  name: string,
  column: number,
  at: CellLocation,
): number | undefined {
  const value = Number(cell);
  if (cell !== '' && isFiniteFloat32(value)) return value;
  const where = { file: at.file, line: at.line, column };
  if (cell.trim() !== '' && Number.isFinite(value)) {
    at.ledger.reject('non-finite', `${name} overflows float32`, {
      where,
      expected: FLOAT32_EXPECTED,
      found: cell,
    });
  } else if (/^[+-]?(nan|inf|infinity)$/i.test(cell.trim())) {
    at.ledger.reject('non-finite', `${name} is not finite`, {
      where,
      expected: 'a finite number',
      found: cell,
    });
  } else {
    at.ledger.reject('malformed', `${name} is not a number`, {
      where,
      expected: 'a finite number',
      found: cell,
    });
  }
  return undefined;
}
