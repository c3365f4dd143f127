/**
 * A made-up file in the UCI Census-Income (KDD) layout (42 comma-space separated columns, no
 * header, gzip, `?` for unknown values), for tests of the census presets: the real labels and
 * marital/education values, other columns drawn from small sets. Not census data.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRng } from '@dtrn/base';
import { CENSUS_INCOME_COLUMNS, CENSUS_INCOME_NUMERIC } from '../../src/config/census-income.js';

const NUMERIC = new Set<string>([...CENSUS_INCOME_NUMERIC, 'instance_weight']);
const MARITAL = ['Never married', 'Married-civilian spouse present', 'Divorced', 'Widowed', 'Separated'];
const EDUCATION = [
  'Children',
  'High school graduate',
  'Some college but no degree',
  'Bachelors degree(BA AB BS)',
];

/** Writes `rows` rows to `file` (gzip) and returns the file. */
export function writeCensusSample(file: string, rows: number, seed = 1): string {
  const rng = createRng(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rng.next() * values.length)]!;
  const lines: string[] = [];
  for (let row = 0; row < rows; row++) {
    const age = Math.floor(rng.next() * 90);
    const married = age > 20 && rng.next() < 0.7;
    const degree = age > 22 && rng.next() < 0.4;
    const rich = degree && rng.next() < 0.5;
    const values = CENSUS_INCOME_COLUMNS.map((column) => {
      if (column === 'age') return String(age);
      if (column === 'marital_stat') return married ? pick(MARITAL.slice(1)) : 'Never married';
      if (column === 'education') return degree ? EDUCATION[3]! : pick(EDUCATION.slice(0, 3));
      if (column === 'income_50k') return rich ? '50000+.' : '- 50000.';
      if (column === 'year') return pick(['94', '95']);
      if (NUMERIC.has(column)) return String(Math.floor(rng.next() * 1000));
      if (column.startsWith('mig_') && rng.next() < 0.3) return '?';
      return pick(['a', 'b', 'c', 'd']);
    });
    lines.push(values.join(', '));
  }
  writeFileSync(file, gzipSync(`${lines.join('\n')}\n`));
  return file;
}
