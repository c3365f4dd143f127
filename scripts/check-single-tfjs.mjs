// Fails when more than one version of @tensorflow/tfjs-core is installed: two copies mean two
// engines, and tensors or backends registered in one are invisible to the other.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const store = join(process.cwd(), 'node_modules', '.pnpm');
let entries;
try {
  entries = readdirSync(store);
} catch {
  console.error(`check-single-tfjs: ${store} not found; run pnpm install first`);
  process.exit(2);
}
const versions = new Set();
for (const entry of entries) {
  const match = /^@tensorflow\+tfjs-core@([^_]+)/.exec(entry);
  if (match) versions.add(match[1]);
}
if (versions.size !== 1) {
  console.error(
    `check-single-tfjs: expected exactly one @tensorflow/tfjs-core version, found ${versions.size}: ${[...versions].join(', ') || 'none'}`,
  );
  process.exit(1);
}
console.log(`check-single-tfjs: one @tensorflow/tfjs-core version installed (${[...versions][0]})`);
