// The tables of docs/results/tim-trm-analysis.md from `dtrn inspect --knockout` files.
// Usage: node docs/results/scripts/tim-trm-tables.mjs <label>=<inspection-test.json> ...
// (label: the column name, e.g. dtrn-ple/0=runs/tim-trm/dtrn-ple-s0/inspection-test.json)
import { readFileSync } from 'node:fs';

const inputs = process.argv.slice(2).map((arg) => {
  const [label, file] = arg.split('=');
  if (!label || !file) {
    console.error('usage: tim-trm-tables.mjs <label>=<inspection-test.json> ...');
    process.exit(1);
  }
  return { label, ...JSON.parse(readFileSync(file, 'utf8')) };
});
const f = (x, digits = 4) => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));
const signed = (x) => (x >= 0 ? '+' : '') + x.toFixed(4);
const table = (header, rows) =>
  [header, header.map((_, i) => (i === 0 ? '---' : '---:')), ...rows]
    .map((r) => `| ${r.join(' | ')} |`)
    .join('\n');

console.log('## TIM: generated LayerNorms per (task, behavior)\n');
const timRows = [];
for (const run of inputs) {
  const norms = run.analysis.layerNorms;
  if (!norms) continue;
  for (const s of norms.shifts) {
    const spread = norms.taskSpread?.find((t) => t.behavior === s.behavior);
    const interest = run.analysis.interestSpread?.find((t) => t.behavior === s.behavior);
    timRows.push([
      run.label,
      s.task ?? '(shared LN)',
      s.behavior,
      f(s.gammaShift),
      f(s.betaShift),
      s.activeHiddenUnits === null ? 'n/a' : `${s.activeHiddenUnits}/${norms.hiddenUnits}`,
      spread ? f(spread.gamma) : 'n/a',
      interest ? f(interest.relative) : 'n/a',
    ]);
  }
}
console.log(
  table(
    [
      'model',
      'task',
      'behavior',
      'gamma shift',
      'beta shift',
      'active hidden',
      'task spread of gamma',
      'interest spread',
    ],
    timRows,
  ),
);

console.log('\n## TRM field weights (mean ± std over rows)\n');
const withTrm = inputs.filter((run) => run.analysis.fieldWeights);
if (withTrm.length > 0) {
  const fields = withTrm[0].analysis.fieldNames;
  const header = [
    'field',
    ...withTrm.flatMap((run) => run.analysis.taskNames.map((task) => `${run.label} ${task}`)),
  ];
  const rows = fields.map((field, i) => [
    field,
    ...withTrm.flatMap((run) =>
      run.analysis.taskNames.map(
        (_, k) =>
          `${f(run.analysis.fieldWeights.mean[k][i], 3)} ± ${f(run.analysis.fieldWeights.std[k][i], 3)}`,
      ),
    ),
  ]);
  rows.push([
    'task deviation (relative)',
    ...withTrm.flatMap((run) => {
      const w = run.analysis.fieldWeights;
      return run.analysis.taskNames.map(
        () => `${f(w.taskDeviation, 3)} (${(100 * w.relativeTaskDeviation).toFixed(1)}%)`,
      );
    }),
  ]);
  console.log(table(header, rows));
}

console.log('\n## Task bottoms\n');
console.log(
  table(
    ['model', 'bottom', 'rows', 'linear CKA', 'mean cosine'],
    inputs.map((run) => {
      const pair = run.analysis.taskBottoms[0];
      return [
        run.label,
        run.analysis.bottom,
        String(run.analysis.rows),
        f(pair.linearCka),
        f(pair.meanCosine),
      ];
    }),
  ),
);

console.log('\n## Knock-outs (whole test split)\n');
const knockRows = [];
for (const run of inputs) {
  if (!run.knockouts) continue;
  for (const task of run.analysis.taskNames) {
    const base = run.knockouts.auc[task];
    const cells = ['tim swap', 'tim reset', 'trm swap', 'trm reset'].map((name) => {
      const hit = run.knockouts.results.find((r) => `${r.module} ${r.knockout}` === name);
      return hit ? signed(hit.auc[task] - base) : 'n/a';
    });
    knockRows.push([run.label, task, f(base), ...cells]);
  }
}
console.log(
  table(['model', 'task', 'AUC', 'TIM swapped', 'TIM reset', 'TRM swapped', 'TRM reset'], knockRows),
);
