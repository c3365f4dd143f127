// Publishing metadata shared by every package: the repository, homepage and bug tracker, and the
// exports conditions. `node scripts/package-metadata.mjs` writes them into each publishable
// package.json and copies the root LICENSE beside it (npm packs a package's own LICENSE only);
// `node scripts/package-metadata.mjs --check` fails when any package differs (run by check:exports).
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPOSITORY = 'https://github.com/dtrn-js/dtrn';
/** Packages whose entry file registers tfjs Layers classes at load time (kept by bundlers). */
const REGISTERING = new Set(['@dtrn/hypernet-encoder', '@dtrn/senet-refiner', '@dtrn/mtl-heads']);

const root = resolve(new URL('..', import.meta.url).pathname);
const check = process.argv.includes('--check');
const license = readFileSync(join(root, 'LICENSE'), 'utf8');

/** Adds a `default` condition (the ESM file) after `import`, so `require()` works on Node >= 20.19. */
function withDefaultCondition(exports) {
  const out = {};
  for (const [subpath, target] of Object.entries(exports)) {
    if (typeof target === 'string') out[subpath] = target;
    else out[subpath] = { types: target.types, import: target.import, default: target.import };
  }
  return out;
}

const problems = [];
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group))) {
    const dir = join(root, group, name);
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const manifest = JSON.parse(text);
    if (manifest.private) continue;
    const directory = `${group}/${name}`;
    const next = { ...manifest };
    next.repository = { type: 'git', url: `git+${REPOSITORY}.git`, directory };
    next.homepage = `${REPOSITORY}/tree/main/${directory}#readme`;
    next.bugs = { url: `${REPOSITORY}/issues` };
    if (next.exports) next.exports = withDefaultCondition(next.exports);
    if (!next.bin) next.sideEffects = REGISTERING.has(next.name) ? ['./dist/index.js'] : false;
    if (!next.files.includes('LICENSE')) next.files = [...next.files, 'LICENSE'];
    const updated = `${JSON.stringify(next, null, 2)}\n`;
    const licenseFile = join(dir, 'LICENSE');
    const licenseOk = existsSync(licenseFile) && readFileSync(licenseFile, 'utf8') === license;
    if (check) {
      if (updated !== text)
        problems.push(`${file}: publishing metadata differs (run node scripts/package-metadata.mjs)`);
      if (!licenseOk) problems.push(`${licenseFile}: missing or different from the root LICENSE`);
    } else {
      if (updated !== text) writeFileSync(file, updated);
      if (!licenseOk) copyFileSync(join(root, 'LICENSE'), licenseFile);
    }
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
if (check)
  console.log(
    'package metadata: every publishable package has its LICENSE, repository, homepage, bugs and exports conditions',
  );
