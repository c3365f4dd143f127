// `pnpm bench` for @dtrn/prepare: every *.bench.mjs in this folder, one after another.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
for (const file of readdirSync(dir)
  .filter((name) => name.endsWith('.bench.mjs'))
  .sort()) {
  execFileSync(process.execPath, [`${dir}${file}`, ...process.argv.slice(2)], { stdio: 'inherit' });
}
