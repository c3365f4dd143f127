// Census-Income end to end: `prepareTable` on examples/census-income/dataset.yaml (the UCI test
// file, 99,762 rows, 42 columns, gzip'd CSV): read, check, split, vocabularies, statistics, write
// shards, leakage check. Target: under 10 s. Median of several windows, each in a fresh process.
//
//   node bench/census.bench.mjs [--windows 5] [--file path/to/census-income.test.gz]
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineLine, median } from '@dtrn/tooling/bench';
import { runWindows, stageMedians } from './bench-helpers.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
};
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const candidates = [
  option('--file'),
  process.env.DTRN_CENSUS_FILE,
  join(repo, '..', 'shared', 'data', 'census-income', 'census-income.test.gz'),
  '/work/shared/data/census-income/census-income.test.gz',
].filter(Boolean);
const file = candidates.find((path) => existsSync(path));
if (!file) {
  console.log('census bench: skipped, census-income.test.gz not found (--file or DTRN_CENSUS_FILE)');
  process.exit(0);
}
const windows = Number(option('--windows', '5'));
const config = join(repo, 'examples', 'census-income', 'dataset.yaml');
console.log(`census bench: ${file}\nmachine: ${machineLine()}`);
const results = runWindows(config, join(tmpdir(), `dtrn-bench-census-${process.pid}`), windows, file);
const seconds = results.map((r) => r.seconds);
console.log(
  JSON.stringify({
    bench: 'prepare census-income end to end',
    windows,
    medianSeconds: Number(median(seconds).toFixed(2)),
    minSeconds: Number(Math.min(...seconds).toFixed(2)),
    target: 'under 10 s',
    medianPeakRssMiB: Math.round(median(results.map((r) => r.maxRssMiB))),
    stageMedianSeconds: stageMedians(results),
    rows: results[0].rows,
  }),
);
console.log(`machine after: ${machineLine()}`);
