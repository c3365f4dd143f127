// Runs every benchmark of this package in turn: pnpm --filter @dtrn/datasets bench
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const here = new URL('.', import.meta.url);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n### ${file}\n`);
  const result = spawnSync(process.execPath, ['--expose-gc', new URL(file, here).pathname], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed++;
}
if (files.length === 0) console.log('no benchmarks yet');
process.exit(failed > 0 ? 1 : 0);
