// The Census-Income tables of docs/results/census-income.md from `dtrn compare` run directories
// (their results.json, or for a run stopped before its end the model runs it finished,
// runs/<model>/seed-<n>.json): test AUC per model as mean ± std over seeds beside torch-rechub's
// published numbers, every seed's AUCs with its best epoch and degenerate flags, and the targets
// (mean income >= 0.945, mean never married >= 0.993, every seed's every task > 0.9, nothing
// degenerate). Degenerate tasks are left out of the means and named, never averaged in.
// Usage: node docs/results/scripts/census-table.mjs <run directory>... [--per-seed-only]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const perSeedOnly = args.includes('--per-seed-only');
const paths = args.filter((arg) => arg !== '--per-seed-only');
if (paths.length === 0) {
  console.error('usage: census-table.mjs <run directory>... [--per-seed-only]');
  process.exit(1);
}
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** The model runs of one compare directory: results.json's, else every finished model run. */
function runsOfDirectory(directory) {
  const results = join(directory, 'results.json');
  if (existsSync(results)) return readJson(results).runs;
  const root = join(directory, 'runs');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((model) =>
    readdirSync(join(root, model))
      .filter((name) => /^seed-\d+\.json$/.test(name))
      .map((name) => readJson(join(root, model, name))),
  );
}

const perDirectory = paths.map(runsOfDirectory);
const tasks = perDirectory.flat()[0]?.test.map((entry) => entry.task) ?? [];
const runs = [];
for (const [i, list] of perDirectory.entries()) {
  for (const run of list) {
    if (run.test.map((entry) => entry.task).join() !== tasks.join()) {
      console.error(`${paths[i]}: ${run.model} seed ${run.seed} has other tasks than ${tasks.join(', ')}`);
      process.exit(1);
    }
    if (runs.some((r) => r.model === run.model && r.seed === run.seed)) {
      console.error(`${paths[i]}: ${run.model} seed ${run.seed} appears twice`);
      process.exit(1);
    }
    runs.push(run);
  }
}
const ORDER = [
  'shared-bottom',
  'mmoe',
  'ple',
  'dtrn-shared-bottom-no-tim',
  'dtrn-mmoe-no-tim',
  'dtrn-ple-no-tim',
];
const rank = (model) => (ORDER.includes(model) ? ORDER.indexOf(model) : ORDER.length);
const models = [...new Set(runs.map((run) => run.model))].sort((a, b) => rank(a) - rank(b));
runs.sort((a, b) => models.indexOf(a.model) - models.indexOf(b.model) || a.seed - b.seed);

/** torch-rechub's README (REFERENCE-RESULTS.md): full training file, task group 1, 1-level PLE. */
const PUBLISHED = {
  'shared-bottom': [0.956, 0.9948],
  mmoe: [0.9579, 0.995],
  ple: [0.9583, 0.9951],
};
const TARGETS = { income: 0.945, never_married: 0.993 };
const f4 = (x) => (x === null || x === undefined ? 'n/a' : x.toFixed(4));
const runsOf = (model) => runs.filter((run) => run.model === model);
const degenerate = (run, task) => (run.degenerate ?? []).some((entry) => entry.task === task);

function stats(values) {
  const n = values.length;
  if (n === 0) return { n, mean: null, std: null, min: null };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { n, mean, std, min: Math.min(...values) };
}

if (!perSeedOnly) {
  const head = tasks.map((t) => `${t} AUC (min)`).join(' | ');
  console.log(`| model | seeds | ${head} | torch-rechub (${tasks.join(', ')}) | seconds per run |`);
  console.log(`|---|---:|${tasks.map(() => '---:').join('|')}|---|---:|`);
  for (const model of models) {
    const own = runsOf(model);
    const cells = tasks.map((task, k) => {
      const healthy = own.filter((run) => !degenerate(run, task));
      const s = stats(healthy.map((run) => run.test[k].auc));
      const left = own.length - healthy.length;
      const note = left ? ` (${left} degenerate, left out)` : '';
      return `${f4(s.mean)} ± ${f4(s.std)} (${f4(s.min)})${note}`;
    });
    const published = PUBLISHED[model] ? PUBLISHED[model].map(f4).join(', ') : '';
    const seconds = stats(own.map((run) => run.seconds));
    const range = `${own.length} (${own.map((run) => run.seed).join(', ')})`;
    console.log(`| ${model} | ${range} | ${cells.join(' | ')} | ${published} | ${seconds.mean.toFixed(0)} |`);
  }
  console.log('');
}

console.log(`| model | seed | ${tasks.join(' | ')} | best epoch | epochs | stopped | degenerate |`);
console.log(`|---|---:|${tasks.map(() => '---:').join('|')}|---:|---:|---|---|`);
for (const run of runs) {
  const flags = (run.degenerate ?? []).map((entry) => `${entry.task}: ${entry.reasons.join(', ')}`);
  console.log(
    `| ${run.model} | ${run.seed} | ${run.test.map((t) => f4(t.auc)).join(' | ')} | ${run.bestEpoch ?? 'n/a'} | ${run.history.length} | ${run.stoppedReason} | ${flags.join('; ') || 'none'} |`,
  );
}
console.log('');

const failures = [];
for (const model of models) {
  const own = runsOf(model);
  tasks.forEach((task, k) => {
    for (const run of own) {
      if (degenerate(run, task)) failures.push(`${model} seed ${run.seed} ${task}: degenerate`);
      else if (!(run.test[k].auc > 0.9))
        failures.push(`${model} seed ${run.seed} ${task}: ${f4(run.test[k].auc)} <= 0.9`);
    }
    const target = TARGETS[task];
    if (target === undefined) return;
    const { mean } = stats(own.filter((run) => !degenerate(run, task)).map((run) => run.test[k].auc));
    if (!(mean >= target)) failures.push(`${model} ${task}: mean ${f4(mean)} < ${target}`);
  });
}
console.log(
  failures.length === 0
    ? 'targets: every model meets them (mean income >= 0.945, mean never married >= 0.993, every seed and task > 0.9, nothing degenerate)'
    : `targets missed:\n${failures.map((line) => `- ${line}`).join('\n')}`,
);
