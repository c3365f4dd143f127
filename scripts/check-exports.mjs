// Packs every publishable package as npm would publish it, installs the tarballs into a scratch
// consumer project (dependencies linked from this workspace, no network), then (1) imports every `exports`
// entry from Node and (2) type-checks an import of every entry with moduleResolution NodeNext.
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(process.cwd());
const scratch = mkdtempSync(join(tmpdir(), 'dtrn-consumer-'));
const tarballs = join(scratch, 'tarballs');
mkdirSync(tarballs);
const modules = join(scratch, 'node_modules');
mkdirSync(join(modules, '@dtrn'), { recursive: true });

const packageDirs = ['packages', 'apps']
  .flatMap((group) => {
    try {
      return readdirSync(join(root, group)).map((name) => join(root, group, name));
    } catch {
      return [];
    }
  })
  .filter((dir) => {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return !manifest.private;
    } catch {
      return false;
    }
  });

const entries = [];
for (const dir of packageDirs) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  execFileSync('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir, stdio: 'pipe' });
  const tarball = readdirSync(tarballs).find((file) =>
    file.startsWith(manifest.name.replace('@', '').replace('/', '-')),
  );
  const target = join(modules, manifest.name);
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', join(tarballs, tarball), '-C', target, '--strip-components=1']);
  const packed = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8'));
  for (const field of ['dependencies', 'peerDependencies']) {
    for (const [dep, range] of Object.entries(packed[field] ?? {})) {
      if (/^(workspace|catalog):/.test(range))
        throw new Error(`${manifest.name}: packed ${field}.${dep} is still "${range}"`);
    }
  }
  for (const [subpath, spec] of Object.entries(packed.exports ?? {})) {
    if (subpath === './package.json') continue;
    entries.push({
      pkg: manifest.name,
      specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
      spec,
    });
  }
}
// Third-party dependencies (and the tfjs peers) come from each package's own pnpm node_modules,
// as an installer would provide them; @dtrn packages come from the tarballs above.
const linked = new Set();
function linkDependency(fromDir, dep) {
  if (dep.startsWith('@dtrn/') || linked.has(dep)) return;
  const source = realpathSync(join(fromDir, 'node_modules', dep));
  mkdirSync(dirname(join(modules, dep)), { recursive: true });
  symlinkSync(source, join(modules, dep), 'dir');
  linked.add(dep);
}
for (const dir of packageDirs) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }))
    linkDependency(dir, dep);
}
writeFileSync(
  join(scratch, 'package.json'),
  JSON.stringify({ name: 'scratch-consumer', private: true, type: 'module' }),
);

const importScript = entries.map((e) => `await import(${JSON.stringify(e.specifier)});`).join('\n');
writeFileSync(
  join(scratch, 'import-all.mjs'),
  `${importScript}\nconsole.log('imported ${entries.length} entry points');\n`,
);
execFileSync('node', ['import-all.mjs'], { cwd: scratch, stdio: 'inherit' });

const typeScript = entries
  .map((e, i) => `import * as entry${i} from ${JSON.stringify(e.specifier)};\nvoid entry${i};`)
  .join('\n');
writeFileSync(join(scratch, 'consumer.ts'), `${typeScript}\n`);
writeFileSync(
  join(scratch, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: {
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      target: 'ES2022',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      lib: ['ES2022', 'DOM'],
      types: [],
    },
    files: ['consumer.ts'],
  }),
);
execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', scratch], { stdio: 'inherit' });
console.log(
  `check-exports: ${entries.length} entry points of ${packageDirs.length} packages import and type-check in a scratch consumer`,
);
rmSync(scratch, { recursive: true, force: true });
