/**
 * The AliExpress (Tianchi, per-country train / test CSVs) row format, as written by the public
 * Multitask-Recommendation-Library preprocessing: a header, then
 * `search_id,categorical_1..categorical_16,numerical_1..numerical_63,click,conversion`.
 */
import { DataError } from '@dtrn/base';
import type { DatasetSchema, Vocabulary } from '@dtrn/data';

export const ALIEXPRESS_CATEGORICAL = Array.from({ length: 16 }, (_, i) => `categorical_${i + 1}`);
export const ALIEXPRESS_NUMERICAL = Array.from({ length: 63 }, (_, i) => `numerical_${i + 1}`);
export const ALIEXPRESS_COLUMNS: readonly string[] = [
  'search_id',
  ...ALIEXPRESS_CATEGORICAL,
  ...ALIEXPRESS_NUMERICAL,
  'click',
  'conversion',
];

/** Throws a located DataError unless `line` is exactly the expected header. */
export function checkAliExpressHeader(line: string, file: string, lineNumber: number): void {
  const found = line.split(',');
  let column = 1;
  for (let index = 0; index < Math.max(found.length, ALIEXPRESS_COLUMNS.length); index++) {
    const expected = ALIEXPRESS_COLUMNS[index];
    const actual = found[index];
    if (expected !== actual) {
      throw new DataError(`unexpected AliExpress header column ${index + 1}`, {
        where: { file, line: lineNumber, column },
        expected:
          expected === undefined
            ? `the header to end after ${ALIEXPRESS_COLUMNS.length} columns`
            : `"${expected}" (header: search_id,categorical_1..16,numerical_1..63,click,conversion)`,
        found: actual ?? 'the end of the header',
      });
    }
    column += (actual?.length ?? 0) + 1;
  }
}

export function aliExpressSchema(vocabularies: readonly Vocabulary[]): DatasetSchema {
  return {
    idSpaces: vocabularies.map((vocabulary) => vocabulary.toIdSpaceSpec()),
    sparseFields: ALIEXPRESS_CATEGORICAL.map((name) => ({ name, idSpace: name })),
    denseFields: ALIEXPRESS_NUMERICAL.map((name) => ({ name })),
    tasks: [{ name: 'click' }, { name: 'conversion', sampleSpace: { positiveOf: 'click' } }],
  };
}
