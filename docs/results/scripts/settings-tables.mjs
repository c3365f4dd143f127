// Compact tables over several settings of one comparison (issue 18): every model's test AUC, each
// DTRN (or STEM) variant's gain over its head, and each multi-task model's transfer over the
// single-task models, one column pair per setting. Reads the results.json files `dtrn compare`
// writes (transfer needs results written by a version with `results.transfer`; resume an older
// run with `--resume` to add it without training).
// Usage: node docs/results/scripts/settings-tables.mjs <label>=<results.json> [<label>=<results.json> ...]
import { readFileSync } from 'node:fs';

const settings = process.argv.slice(2).map((argument) => {
  const at = argument.indexOf('=');
  if (at <= 0) {
    console.error('usage: settings-tables.mjs <label>=<results.json> ...');
    process.exit(1);
  }
  return { label: argument.slice(0, at), results: JSON.parse(readFileSync(argument.slice(at + 1), 'utf8')) };
});
if (settings.length === 0) {
  console.error('usage: settings-tables.mjs <label>=<results.json> ...');
  process.exit(1);
}

const tasks = settings[0].results.tasks;
const signed = (x) => (x >= 0 ? '+' : '') + x.toFixed(4);
const columns = settings.flatMap((setting) => tasks.map((task) => `${setting.label}: ${task}`));
const header = (first) => [
  `| ${[...first, ...columns].join(' | ')} |`,
  `|${[...first, ...columns].map((_, i) => (i < first.length ? '---' : '---:')).join('|')}|`,
];

function aucCell(results, model, task) {
  const auc = results.summary
    .find((entry) => entry.model === model)
    ?.tasks.find((entry) => entry.task === task)?.auc;
  if (!auc || auc.mean === null) return '';
  return auc.n > 1 ? `${auc.mean.toFixed(4)} ± ${auc.std.toFixed(4)}` : auc.mean.toFixed(4);
}

/** `verdict: gain [lower, upper]`, the verdict in bold when it is not a tie. */
function gainCell(gains, model, base, task, names = { win: 'win', tie: 'tie', loss: 'loss' }) {
  const gain = (gains ?? []).find(
    (entry) => entry.model === model && entry.base === base && entry.task === task,
  );
  if (!gain) return '';
  const text = `${names[gain.verdict]}: ${signed(gain.estimate)} [${signed(gain.lower)}, ${signed(gain.upper)}]`;
  return gain.verdict === 'tie' ? text : `**${text}**`;
}

const models = [...new Set(settings.flatMap((setting) => setting.results.models))];
const seeds = settings.map((setting) => `${setting.label}: ${setting.results.seeds.length}`).join(', ');

console.log(`Test AUC, mean ± std over seeds (${seeds}):\n`);
console.log(header(['model']).join('\n'));
for (const model of models) {
  const cells = settings.flatMap((setting) => tasks.map((task) => aucCell(setting.results, model, task)));
  console.log(`| ${model} | ${cells.join(' | ')} |`);
}

const pairs = [
  ...new Map(
    settings.flatMap((setting) => setting.results.gains.map((gain) => [`${gain.model}|${gain.base}`, gain])),
  ).values(),
];
console.log('\nAUC gain over the base head (paired bootstrap 95% CI; win/loss: the CI excludes 0):\n');
console.log(header(['model', 'base']).join('\n'));
for (const { model, base } of pairs) {
  const cells = settings.flatMap((setting) =>
    tasks.map((task) => gainCell(setting.results.gains, model, base, task)),
  );
  console.log(`| ${model} | ${base} | ${cells.join(' | ')} |`);
}

const transferPairs = [
  ...new Map(
    settings.flatMap((setting) =>
      (setting.results.transfer ?? []).map((gain) => [`${gain.model}|${gain.base}`, gain]),
    ),
  ).values(),
];
if (transferPairs.length > 0) {
  const names = { win: 'positive', tie: 'none', loss: 'NEGATIVE' };
  console.log(
    '\nTransfer: AUC minus the single-task models (paired bootstrap 95% CI; NEGATIVE: negative transfer):\n',
  );
  console.log(header(['model', 'reference']).join('\n'));
  for (const { model, base } of transferPairs) {
    const cells = settings.flatMap((setting) =>
      tasks.map((task) => gainCell(setting.results.transfer, model, base, task, names)),
    );
    console.log(`| ${model} | ${base} | ${cells.join(' | ')} |`);
  }
}
