/**
 * A small census-like table (made-up people: age, wage, hours, education, sex, country; tasks
 * income and married) as `train.csv` and `test.csv` with a dataset config for `dtrn prepare table`
 * whose fields cover every transform and OOV policy: `education` reserved, `sex` hash, `country`
 * error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '@dtrn/base';

export const CENSUS_HEADER = 'id,age,wage,hours,education,sex,country,income,married';

export function censusRows(count: number, seed: number, firstId = 0): string[] {
  const rng = createRng(seed);
  const rows: string[] = [];
  for (let i = 0; i < count; i++) {
    const age = 18 + Math.floor(rng.next() * 60);
    const education = 1 + Math.floor(rng.next() * 6);
    const wage = Math.round(rng.next() * 5000) / 100;
    const hours = 1 + Math.floor(rng.next() * 60);
    const income = rng.next() < 0.1 + 0.12 * education ? 1 : 0;
    const married = rng.next() < (age > 35 ? 0.7 : 0.2) ? 1 : 0;
    const sex = rng.next() < 0.5 ? 'F' : 'M';
    const country = `c${1 + Math.floor(rng.next() * 4)}`;
    rows.push(
      [`p${firstId + i}`, age, wage, hours, `e${education}`, sex, country, income, married].join(','),
    );
  }
  return rows;
}

export const CENSUS_CONFIG = {
  name: 'census-like',
  files: { train: 'train.csv', test: 'test.csv' },
  split: { validation: 0.2, seed: 1 },
  fields: [
    { name: 'age', type: 'numeric', transform: 'standardize' },
    { name: 'wage', type: 'numeric', transform: 'log1p' },
    { name: 'hours', type: 'numeric', transform: 'buckets', buckets: 4 },
    { name: 'education', type: 'categorical', oov: 'reserved' },
    { name: 'sex', type: 'categorical', oov: 'hash', hashBuckets: 3 },
    { name: 'country', type: 'categorical', oov: 'error' },
  ],
  tasks: [
    { name: 'income', positive: ['1'], negative: ['0'] },
    { name: 'married', positive: ['1'], negative: ['0'] },
  ],
  labels: 'strict',
};

/** Writes `train.csv` (400 rows), `test.csv` (120 rows) and `dataset.yaml` into `dir`. */
export function writeCensusLike(dir: string): { config: string; train: string; test: string } {
  mkdirSync(dir, { recursive: true });
  const train = join(dir, 'train.csv');
  const test = join(dir, 'test.csv');
  writeFileSync(train, `${[CENSUS_HEADER, ...censusRows(400, 1)].join('\n')}\n`);
  writeFileSync(test, `${[CENSUS_HEADER, ...censusRows(120, 2, 1000)].join('\n')}\n`);
  const config = join(dir, 'dataset.yaml');
  writeFileSync(config, JSON.stringify(CENSUS_CONFIG, null, 2)); // JSON is YAML
  return { config, train, test };
}
