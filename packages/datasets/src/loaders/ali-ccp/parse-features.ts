/**
 * Decodes an Ali-CCP feature list: items joined by \x01, each `field_id\x02feature_id\x03value`.
 * Kept fields go to a reusable `ParsedFeatures`; problems go to the ledger located at the item.
 */
import type { CellLocation } from '../shared/csv-checks.js';
import { isIdCell } from '../shared/csv-checks.js';
import { ALI_CCP_BAGS, ALI_CCP_FIELD_SLOTS, ALI_CCP_SINGLE_FIELDS } from './fields.js';

export class ParsedFeatures {
  /** Raw feature id per single field ('' when absent). The first occurrence wins. */
  readonly single: string[] = ALI_CCP_SINGLE_FIELDS.map(() => '');
  /** Per bag, raw ids and values (counts). */
  readonly bagIds: string[][] = ALI_CCP_BAGS.map(() => []);
  readonly bagValues: number[][] = ALI_CCP_BAGS.map(() => []);
  /** Features of fields not kept. */
  ignored = 0;

  clear(): void {
    this.single.fill('');
    for (const ids of this.bagIds) ids.length = 0;
    for (const values of this.bagValues) values.length = 0;
    this.ignored = 0;
  }
}

/**
 * Parses `list` (starting at 1-based character `column` of the line) holding `expectedCount` items.
 * Returns false after recording a rejection.
 */
export function parseFeatureList(
  list: string,
  expectedCount: number,
  column: number,
  at: CellLocation,
  out: ParsedFeatures,
): boolean {
  out.clear();
  const items = list === '' ? [] : list.split('\x01');
  if (items.length !== expectedCount) {
    at.ledger.reject('malformed', 'num_features does not match the feature list', {
      where: { file: at.file, line: at.line, column },
      expected: `${expectedCount} features joined by \\x01`,
      found: `${items.length} features`,
    });
    return false;
  }
  let offset = column;
  for (const item of items) {
    const fieldEnd = item.indexOf('\x02');
    const idEnd = item.indexOf('\x03', fieldEnd + 1);
    const where = { file: at.file, line: at.line, column: offset };
    if (fieldEnd <= 0 || idEnd < 0) {
      at.ledger.reject('malformed', 'a feature is not field_id\\x02feature_id\\x03value', {
        where,
        expected: 'field_id\\x02feature_id\\x03value',
        found: item,
      });
      return false;
    }
    const field = item.slice(0, fieldEnd);
    const id = item.slice(fieldEnd + 1, idEnd);
    const valueText = item.slice(idEnd + 1);
    if (!isIdCell(id)) {
      const valueLike = Number(id);
      at.ledger.reject(
        id === '' || (Number.isNaN(valueLike) && !/^[+-]?(nan|inf)/i.test(id))
          ? 'malformed'
          : 'id-out-of-range',
        `feature id of field ${field} is not a valid id`,
        {
          where: { ...where, column: offset + fieldEnd + 1 },
          expected: `an integer id in [0, ${Number.MAX_SAFE_INTEGER}]`,
          found: id,
        },
      );
      return false;
    }
    const value = Number(valueText);
    if (valueText === '' || !Number.isFinite(value)) {
      at.ledger.reject(
        Number.isNaN(value) && !/nan/i.test(valueText) ? 'malformed' : 'non-finite',
        `value of field ${field} is not a finite number`,
        {
          where: { ...where, column: offset + idEnd + 1 },
          expected: 'a finite number',
          found: valueText,
        },
      );
      return false;
    }
    const slot = ALI_CCP_FIELD_SLOTS.get(field);
    if (slot === undefined) out.ignored++;
    else if (slot >= 0) {
      if (out.single[slot] === '') out.single[slot] = id;
    } else {
      out.bagIds[-slot - 1]!.push(id);
      out.bagValues[-slot - 1]!.push(value);
    }
    offset += item.length + 1;
  }
  return true;
}
