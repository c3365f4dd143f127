// Reference AUCs of the correlation sweep (docs/results/correlation-sweep.md): for each correlation
// and seed, the test split exactly as `dtrn compare` builds it for `kind: mmoe-synthetic` (same
// generator arguments, same random split), scored by
// - `linear`: w_k . x, the task's true direction alone (what a model reaches without the sines);
// - `target`: y_k itself (the regression target the labels threshold; below 1 only through ties).
// Usage: node docs/results/scripts/mmoe-ceiling.mjs [numSamples] [seeds] [correlations, comma-separated]
// (defaults: the mmoe-correlation preset's 10000 rows and fractions, seeds 0-2, 1,0.9,0.5,0.25,0,-0.5).
import { createRequire } from 'node:module';

// The workspace packages resolve from the app that depends on them.
const require = createRequire(new URL('../../../apps/cli/package.json', import.meta.url));
const { generateMmoeData, mmoeDataToDataset } = await import(require.resolve('@dtrn/datasets'));
const { splitDataset } = await import(require.resolve('@dtrn/data'));
const { auc } = await import(require.resolve('@dtrn/metrics'));

const numSamples = Number(process.argv[2] ?? 10_000);
const seeds = Number(process.argv[3] ?? 3);
const correlations = (process.argv[4] ?? '1,0.9,0.5,0.25,0,-0.5').split(',').map(Number);
const fractions = [0.7, 0.1, 0.2]; // the mmoe-correlation preset's split

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const rows = [];
for (const correlation of correlations) {
  const perTask = [
    { linear: [], target: [] },
    { linear: [], target: [] },
  ];
  for (let seed = 0; seed < seeds; seed++) {
    const data = generateMmoeData({ numSamples, correlation, seed, binarise: true });
    const { test } = splitDataset(mmoeDataToDataset(data), { by: 'random', fractions, seed });
    data.weights.forEach((weight, task) => {
      const linear = new Float64Array(test.size);
      weight.forEach((w, field) => {
        const column = test.dense[field];
        for (let row = 0; row < test.size; row++) linear[row] += w * column[row];
      });
      const labels = test.labels[task];
      perTask[task].linear.push(auc(labels, linear));
      perTask[task].target.push(auc(labels, test.extras[`target/task${task}`]));
    });
  }
  rows.push(
    `| ${correlation} | ${perTask.map((t) => `${mean(t.linear).toFixed(4)} | ${mean(t.target).toFixed(4)}`).join(' | ')} |`,
  );
}
console.log(`Test AUC of the true scores, mean over seeds 0-${seeds - 1}, ${numSamples} rows:\n`);
console.log('| correlation | task0 w.x | task0 y | task1 w.x | task1 y |');
console.log('|---:|---:|---:|---:|---:|');
console.log(rows.join('\n'));
