// Task 0 of the MMoE generator does not depend on the correlation: for a seed, its weight vector,
// inputs, noise, labels and split are the same at every correlation (only task 1's weight vector
// turns). So task 0's test AUC at correlation p minus its AUC at correlation 1, seed by seed, is
// what the other task's direction alone does to it: the paired measure of negative transfer.
// Prints, per model, that change (mean over seeds, and every seed's) for each swept value.
// Usage: node docs/results/scripts/mmoe-task0-change.mjs <sweep directory>... (their sweep.json)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const directories = process.argv.slice(2);
if (directories.length === 0) {
  console.error('usage: mmoe-task0-change.mjs <sweep directory>...');
  process.exit(1);
}
const signed = (value) => `${value >= 0 ? '+' : ''}${value.toFixed(4)}`;
const lines = [];
let values;
for (const directory of directories) {
  const sweep = JSON.parse(readFileSync(join(directory, 'sweep.json'), 'utf8'));
  values = sweep.values;
  const reference = sweep.values.indexOf(1);
  if (reference < 0) throw new Error(`${directory}: the sweep has no correlation 1`);
  for (const model of sweep.models) {
    const cells = sweep.cells[model].task0;
    const base = new Map(cells[reference].seeds.map((s) => [s.seed, s.auc]));
    const columns = cells.map((cell) => {
      const changes = cell.seeds.map((s) => s.auc - base.get(s.seed));
      const mean = changes.reduce((a, b) => a + b, 0) / changes.length;
      return `${signed(mean)} (${changes.map(signed).join(', ')})`;
    });
    lines.push(`| ${model} | ${columns.join(' | ')} |`);
  }
}
console.log('Task 0 test AUC minus its AUC at correlation 1, same seed: mean (per seed)\n');
console.log(`| model | ${values.join(' | ')} |`);
console.log(`|---|${values.map(() => '---:').join('|')}|`);
console.log(lines.join('\n'));
