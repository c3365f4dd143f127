/**
 * Decodes an Ali-CCP feature list: items joined by \x01, each `field_id\x02feature_id\x03value`.
 * Kept fields go to a reusable `ParsedFeatures`; problems go to the ledger located at the item.
 */
import type { CellLocation } from '../shared/csv-checks.js';
import { FLOAT32_EXPECTED, isFiniteFloat32, isIdCell } from '../shared/csv-checks.js';
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
  // Scan by index (no split into item strings): items end at \x01 or at the end of the list.
  let count = 0;
  let itemStart = 0;
  const length = list.length;
  while (length > 0 && itemStart <= length) {
    let itemEnd = list.indexOf('\x01', itemStart);
    if (itemEnd < 0) itemEnd = length;
    count++;
    const fieldEnd = list.indexOf('\x02', itemStart);
    const idEnd = fieldEnd < 0 || fieldEnd > itemEnd ? -1 : list.indexOf('\x03', fieldEnd + 1);
    const offset = column + itemStart;
    const where = { file: at.file, line: at.line, column: offset };
    if (fieldEnd <= itemStart || idEnd < 0 || idEnd > itemEnd) {
      at.ledger.reject('malformed', 'a feature is not field_id\\x02feature_id\\x03value', {
        where,
        expected: 'field_id\\x02feature_id\\x03value',
        found: list.slice(itemStart, itemEnd),
      });
      return false;
    }
    const field = list.slice(itemStart, fieldEnd);
    const id = list.slice(fieldEnd + 1, idEnd);
    if (!isIdCell(id)) {
      const valueLike = Number(id);
      at.ledger.reject(
        id === '' || (Number.isNaN(valueLike) && !/^[+-]?(nan|inf)/i.test(id))
          ? 'malformed'
          : 'id-out-of-range',
        `feature id of field ${field} is not a valid id`,
        {
          where: { ...where, column: column + fieldEnd + 1 },
          expected: `an integer id in [0, ${Number.MAX_SAFE_INTEGER}]`,
          found: id,
        },
      );
      return false;
    }
    const valueLength = itemEnd - idEnd - 1;
    const isOne =
      (valueLength === 3 && list.startsWith('1.0', idEnd + 1)) ||
      (valueLength === 1 && list.charCodeAt(idEnd + 1) === 49);
    const valueText = isOne ? '1' : list.slice(idEnd + 1, itemEnd);
    const value = isOne ? 1 : Number(valueText);
    if (valueText === '' || !isFiniteFloat32(value)) {
      const overflows = valueText.trim() !== '' && Number.isFinite(value);
      at.ledger.reject(
        Number.isNaN(value) && !/nan/i.test(valueText) ? 'malformed' : 'non-finite',
        overflows
          ? `value of field ${field} overflows float32`
          : `value of field ${field} is not a finite number`,
        { where: { ...where, column: column + idEnd + 1 }, expected: FLOAT32_EXPECTED, found: valueText },
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
    itemStart = itemEnd + 1;
  }
  if (count !== expectedCount) {
    at.ledger.reject('malformed', 'num_features does not match the feature list', {
      where: { file: at.file, line: at.line, column },
      expected: `${expectedCount} features joined by \\x01`,
      found: `${count} features`,
    });
    return false;
  }
  return true;
}
