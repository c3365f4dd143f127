// What TRM's per-task field weights learned in the correlation sweep (docs/results/correlation-sweep.md):
// for each correlation and DTRN model, over its seeds, the Pearson correlation across the 100 input
// fields between
// - task k's mean field weight (results.json `inspection.fieldWeights`, the mean over test rows) and
//   |w_k,i|, how much input i matters to task k (the generator's weight vector, regenerated);
// - task 0's and task 1's weight profiles (1: the same reweighting for both tasks);
// and the spread of the weights (std across fields, mean over tasks).
// Usage: node docs/results/scripts/mmoe-field-weights.mjs <sweep directory>
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(new URL('../../../apps/cli/package.json', import.meta.url));
const { generateMmoeData } = await import(require.resolve('@dtrn/datasets'));

const directory = process.argv[2];
if (!directory) {
  console.error('usage: mmoe-field-weights.mjs <sweep directory>');
  process.exit(1);
}
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const std = (values) => Math.sqrt(mean(values.map((v) => (v - mean(values)) ** 2)));
function pearson(a, b) {
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((value, i) => {
    ab += (value - ma) * (b[i] - mb);
    aa += (value - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}
const format = (values) => `${mean(values) >= 0 ? '+' : ''}${mean(values).toFixed(2)}`;

const points = readdirSync(directory)
  .filter((name) => name.startsWith('correlation='))
  .map((name) => ({
    results: readJson(join(directory, name, 'results.json')),
    config: readJson(join(directory, name, 'config.json')),
  }));
const rows = [];
for (const { results, config } of points) {
  const { correlation } = config.data;
  for (const model of results.models.filter((name) => name.startsWith('dtrn-'))) {
    const toTruth = [[], []];
    const between = [];
    const spread = [];
    for (const run of results.runs.filter((r) => r.model === model && r.inspection?.fieldWeights)) {
      const { weights } = generateMmoeData({ numSamples: 1, correlation, seed: run.seed });
      const profiles = run.inspection.fieldWeights.map((entry) => entry.weights.slice(0, 100));
      profiles.forEach((profile, task) => {
        toTruth[task].push(pearson(profile, Array.from(weights[task], Math.abs)));
      });
      between.push(pearson(profiles[0], profiles[1]));
      spread.push(mean(profiles.map(std)));
    }
    if (between.length === 0) continue;
    rows.push({
      correlation,
      line: `| ${correlation} | ${model} | ${between.length} | ${format(toTruth[0])} | ${format(toTruth[1])} | ${format(between)} | ${mean(spread).toFixed(3)} |`,
    });
  }
}
rows.sort((a, b) => a.correlation - b.correlation);
console.log(
  '| correlation | model | seeds | r(weights task0, abs w_0) | r(weights task1, abs w_1) | r(task0, task1 weights) | std across fields |',
);
console.log('|---:|---|---:|---:|---:|---:|---:|');
console.log(rows.map((row) => row.line).join('\n'));
