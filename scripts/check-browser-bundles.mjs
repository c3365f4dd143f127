// Browser bundle check: bundles every browser entry of the libraries (each package's `.` export and
// every other export that is not a Node entry) for the browser platform with esbuild, tfjs left
// external, and fails when a Node built-in (`node:*`, fs, path, os, crypto, worker_threads, ...)
// would reach the browser build, printing the package, the entry and the import chain. It also
// flags bundled modules that use the Node globals `process`, `Buffer`, `__dirname`, `__filename` or
// `require` without a `typeof` guard. Needs built packages (`pnpm build`); no network.
//
//   node scripts/check-browser-bundles.mjs [--include-node]
//
// --include-node also bundles the Node entries (`./node`): they must fail, which shows the check
// fires and what its report looks like.
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const includeNode = process.argv.includes('--include-node');

/** The libraries that must run in browsers (ARCHITECTURE.md, "Runs in Node and in browsers"). */
const PACKAGES = [
  'base',
  'metrics',
  'data',
  'datasets',
  'core',
  'hypernet-encoder',
  'senet-refiner',
  'mtl-heads',
  'model',
  'onnx',
  'trainer',
  'compare',
];

// esbuild is not a root dependency; it comes with tsup (and vite), resolved from there.
const requireFromTsup = createRequire(createRequire(join(root, 'package.json')).resolve('tsup/package.json'));
const esbuild = await import(requireFromTsup.resolve('esbuild'));

const NODE_BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith('_')));

/** `node:fs`, `fs`, `fs/promises` -> true. */
function isNodeBuiltin(specifier) {
  if (specifier.startsWith('node:')) return true;
  return NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split('/')[0]);
}

/** Browser entries of a package: [{ subpath, file }]; Node-only entries are skipped. */
function browserEntries(packageDir) {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const entries = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? { '.': manifest.main })) {
    if (subpath === './package.json') continue;
    if (!includeNode && (subpath === './node' || subpath.endsWith('/node'))) continue;
    const file =
      typeof target === 'string' ? target : (target.browser ?? target.import ?? target.default ?? null);
    if (typeof file !== 'string' || !/\.(m?js)$/.test(file)) continue;
    entries.push({ subpath, file: resolve(packageDir, file), name: manifest.name });
  }
  return entries;
}

/** Marks Node built-ins external (so one run lists all of them) and records each import site. */
function builtinRecorder(found) {
  return {
    name: 'record-node-builtins',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point' || !isNodeBuiltin(args.path)) return undefined;
        found.push({ specifier: args.path, importer: args.importer });
        return { path: args.path, external: true };
      });
    },
  };
}

/** The shortest import chain from the entry to `target` in esbuild's metafile. */
function importChain(metafile, entryKey, targetKey) {
  const previous = new Map([[entryKey, null]]);
  const queue = [entryKey];
  while (queue.length > 0) {
    const current = queue.shift();
    if (current === targetKey) break;
    for (const edge of metafile.inputs[current]?.imports ?? []) {
      if (edge.external || previous.has(edge.path)) continue;
      previous.set(edge.path, current);
      queue.push(edge.path);
    }
  }
  if (!previous.has(targetKey)) return [targetKey];
  const chain = [];
  for (let node = targetKey; node !== null; node = previous.get(node)) chain.unshift(node);
  return chain;
}

const GLOBAL_PATTERNS = [
  {
    name: 'process',
    use: /(?<![.\w])process\s*\.\s*(env|cwd|argv|versions|platform|exit|on|nextTick|hrtime|memoryUsage|stdout|stderr)\b/,
    guard: /typeof\s+process\b|globalThis\.process\b/,
  },
  {
    name: 'Buffer',
    use: /(?<![.\w])Buffer\s*\.\s*(from|alloc|allocUnsafe|concat|isBuffer|byteLength)\b/,
    // A module that binds its own `Buffer` (protobufjs: `var Buffer = util.Buffer`, null in browsers)
    // does not use the global.
    guard: /typeof\s+Buffer\b|globalThis\.Buffer\b|\b(?:var|let|const)\s+Buffer\s*=/,
  },
  { name: '__dirname', use: /(?<![.\w])__dirname\b/, guard: /typeof\s+__dirname\b/ },
  { name: '__filename', use: /(?<![.\w])__filename\b/, guard: /typeof\s+__filename\b/ },
  // In a CommonJS module `require('./x')` is its module system, which esbuild resolves at bundle
  // time (an unresolved Node built-in is reported by the import check above), so only ES modules
  // are checked for it.
  { name: 'require', use: /(?<![.\w])require\s*\(\s*['"]/, guard: /typeof\s+require\b/, esmOnly: true },
];

/** Bundled modules (not external) that use a Node global with no typeof guard in the same file. */
function unguardedGlobals(metafile) {
  const problems = [];
  for (const [input, info] of Object.entries(metafile.inputs)) {
    const absolute = resolve(root, input);
    let source;
    try {
      source = readFileSync(absolute, 'utf8');
    } catch {
      continue; // virtual modules
    }
    const code = source.replace(/\/\*[\s\S]*?\*\/|(^|[^:])\/\/.*$/gm, '$1'); // comments out
    for (const pattern of GLOBAL_PATTERNS) {
      if (pattern.esmOnly && info.format === 'cjs') continue;
      if (pattern.use.test(code) && !pattern.guard.test(code)) problems.push({ input, global: pattern.name });
    }
  }
  return problems;
}

function short(path) {
  return relative(root, resolve(root, path)).replace(
    /(^|\/)node_modules\/\.pnpm\/[^/]+\/node_modules\//,
    '$1~',
  );
}

let failures = 0;
let checked = 0;
for (const name of PACKAGES) {
  const packageDir = join(root, 'packages', name);
  for (const entry of browserEntries(packageDir)) {
    const label = `${entry.name}${entry.subpath === '.' ? '' : entry.subpath.slice(1)}`;
    const found = [];
    let result;
    try {
      result = await esbuild.build({
        entryPoints: [entry.file],
        absWorkingDir: root,
        bundle: true,
        write: false,
        metafile: true,
        platform: 'browser',
        format: 'esm',
        target: 'es2022',
        external: ['@tensorflow/*'],
        logLevel: 'silent',
        plugins: [builtinRecorder(found)],
      });
    } catch (error) {
      failures += 1;
      const messages = (error.errors ?? [{ text: String(error) }]).map((m) => `    ${m.text}`).join('\n');
      console.error(
        `FAIL ${label}: the browser bundle does not build (run \`pnpm build\` first?)\n${messages}`,
      );
      continue;
    }
    checked += 1;
    const entryKey = relative(root, entry.file);
    const globals = unguardedGlobals(result.metafile);
    if (found.length === 0 && globals.length === 0) {
      const bytes = result.outputFiles.reduce((sum, file) => sum + file.contents.length, 0);
      const modules = Object.keys(result.metafile.inputs).length;
      console.log(
        `ok   ${label} (${modules} module${modules === 1 ? '' : 's'}, ${(bytes / 1024).toFixed(0)} KiB without tfjs)`,
      );
      continue;
    }
    failures += 1;
    console.error(`FAIL ${label} (${relative(root, entry.file)})`);
    for (const { specifier, importer } of found) {
      const chain = importChain(result.metafile, entryKey, relative(root, importer));
      console.error(
        `  imports Node built-in "${specifier}" via ${[...chain.map(short), specifier].join(' -> ')}`,
      );
    }
    for (const { input, global } of globals) {
      const chain = importChain(result.metafile, entryKey, input);
      console.error(
        `  uses the Node global ${global} without a typeof guard in ${chain.map(short).join(' -> ')}`,
      );
    }
  }
}

if (failures > 0) console.log('');
if (failures > 0) {
  console.error(`browser bundles: ${failures} of ${checked + failures} entries reach Node built-ins`);
  process.exit(1);
}
console.log(
  `browser bundles: all ${checked} browser entries of ${PACKAGES.length} packages are free of Node built-ins`,
);
