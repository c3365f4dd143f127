// What conflict adds (DATA.md rule 6): DTRN's gain over its base head in a conflict setting minus
// its gain in the control setting, next to the raw gains and every model's AUC drop.
// Usage: node docs/results/scripts/conflict-effect.mjs <control results.json> <conflict results.json>
// The two settings are independent data sets, so the CI of the difference combines the app's two
// pooled bootstrap CIs with a normal approximation: se = half-width / z, se_diff = sqrt(se1^2 + se2^2).
import { readFileSync } from 'node:fs';

const [controlPath, conflictPath] = process.argv.slice(2);
if (!controlPath || !conflictPath) {
  console.error('usage: conflict-effect.mjs <control results.json> <conflict results.json>');
  process.exit(1);
}
const control = JSON.parse(readFileSync(controlPath, 'utf8'));
const conflict = JSON.parse(readFileSync(conflictPath, 'utf8'));
const Z95 = 1.959964;
const f = (x) => (x >= 0 ? '+' : '') + x.toFixed(4);

function meanAuc(results, model, task) {
  const summary = results.summary.find((entry) => entry.model === model);
  return summary?.tasks.find((entry) => entry.task === task)?.auc.mean ?? null;
}

console.log(`| task | model | AUC control | AUC ${conflict.name} | change |`);
console.log('|---|---|---:|---:|---:|');
for (const task of control.tasks) {
  for (const model of control.models) {
    const a = meanAuc(control, model, task);
    const b = meanAuc(conflict, model, task);
    if (a === null || b === null) continue;
    console.log(`| ${task} | ${model} | ${a.toFixed(4)} | ${b.toFixed(4)} | ${f(b - a)} |`);
  }
}
console.log('');
console.log(
  `| task | gain | control: gain [95% CI] | ${conflict.name}: gain [95% CI] | conflict adds [approx. 95% CI] |`,
);
console.log('|---|---|---:|---:|---:|');
for (const gain of conflict.gains) {
  const base = control.gains.find(
    (entry) => entry.model === gain.model && entry.base === gain.base && entry.task === gain.task,
  );
  if (!base) continue;
  const se = (g) => (g.upper - g.lower) / (2 * Z95);
  const diff = gain.estimate - base.estimate;
  const seDiff = Math.hypot(se(gain), se(base));
  console.log(
    `| ${gain.task} | ${gain.model} - ${gain.base} | ${f(base.estimate)} [${f(base.lower)}, ${f(base.upper)}] | ` +
      `${f(gain.estimate)} [${f(gain.lower)}, ${f(gain.upper)}] | ${f(diff)} [${f(diff - Z95 * seDiff)}, ${f(diff + Z95 * seDiff)}] |`,
  );
}
