// Benchmark helpers that build code from sources into one ESM bundle sharing this checkout's tfjs
// (so several variants run on the same engine and backend in one process, interleaved):
//
// - importBaseline: the "before" side of a before/after benchmark, a package as it was at an
//   earlier commit (that commit's src/ of every @dtrn/* package inlined);
// - importSources: a TypeScript file of this checkout (e.g. a bench's list of internal ops).
//
// Everything else (@tensorflow/*, other npm packages) stays external. Bundles are written under the
// calling package's node_modules/.cache, so their bare imports resolve to the same tfjs copy as the
// benchmark's own.
//
// Env: BENCH_BASELINE_REF (a commit; default: the caller's), BENCH_BASELINE=0 (skip the baseline).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** esbuild, resolved through tsup (its dependency), so the tooling package needs no extra install. */
function loadEsbuild() {
  const require = createRequire(import.meta.url);
  return createRequire(require.resolve('tsup'))('esbuild');
}

function git(cwd, args, options = {}) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/** Resolves `@dtrn/<name>[/<sub>]` to the extracted commit's sources. */
function workspaceSourcesPlugin(root) {
  return {
    name: 'dtrn-baseline-sources',
    setup(build) {
      build.onResolve({ filter: /^@dtrn\// }, ({ path }) => {
        const [, name, ...rest] = path.split('/');
        const entry = rest.length === 0 ? 'index' : rest.join('/');
        for (const folder of ['packages', 'apps']) {
          const file = join(root, folder, name, 'src', `${entry}.ts`);
          if (existsSync(file)) return { path: file };
        }
        return { errors: [{ text: `baseline: no sources for ${path} in the extracted commit` }] };
      });
    },
  };
}

/** Bundles `entryPoint` (a TypeScript file) with the @dtrn/* sources under `root` inlined. */
async function bundle(entryPoint, root, outFile) {
  mkdirSync(dirname(outFile), { recursive: true });
  await loadEsbuild().build({
    entryPoints: [entryPoint],
    outfile: outFile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    logLevel: 'error',
    // Only the workspace's own packages are inlined; tfjs and every other dependency stay bare
    // imports (the same copies the benchmark uses).
    plugins: [
      workspaceSourcesPlugin(root),
      {
        name: 'dtrn-bench-externals',
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, ({ path }) =>
            path.startsWith('@dtrn/') ? undefined : { path, external: true },
          );
        },
      },
    ],
  });
}

/**
 * Imports a TypeScript file of this checkout (e.g. a bench's list of a package's internal ops),
 * bundled with today's @dtrn/* sources; rebuilt on every call.
 *
 * @param {{ packageDir: string, file: string }} options file relative to packageDir
 */
export async function importSources({ packageDir, file }) {
  const root = git(packageDir, ['rev-parse', '--show-toplevel']).trim();
  const outFile = join(
    packageDir,
    'node_modules',
    '.cache',
    'dtrn-bench-sources',
    `${file.replaceAll('/', '-')}.mjs`,
  );
  await bundle(join(packageDir, file), root, outFile);
  return import(`${pathToFileURL(outFile).href}?t=${Date.now()}`);
}

/**
 * Imports `@dtrn/<packageName>` as it was at `ref` (a commit of this repository).
 *
 * @param {object} options
 * @param {string} options.packageName e.g. 'model' or 'hypernet-encoder'
 * @param {string} options.packageDir the calling package's directory (the bundle goes under its node_modules/.cache)
 * @param {string} options.ref the default commit (BENCH_BASELINE_REF overrides it)
 * @param {string} [options.entry] entry file under src/ without extension (default 'index')
 * @returns {Promise<{ module: any, ref: string } | { module: null, reason: string }>}
 */
export async function importBaseline({ packageName, packageDir, ref, entry = 'index' }) {
  if (process.env.BENCH_BASELINE === '0') return { module: null, reason: 'BENCH_BASELINE=0' };
  const wanted = process.env.BENCH_BASELINE_REF ?? ref;
  let commit;
  try {
    commit = git(packageDir, ['rev-parse', '--verify', `${wanted}^{commit}`]).trim();
  } catch {
    return {
      module: null,
      reason: `commit ${wanted} is not in this clone (fetch it, or set BENCH_BASELINE_REF)`,
    };
  }
  const outDir = join(packageDir, 'node_modules', '.cache', 'dtrn-bench-baseline', commit.slice(0, 12));
  const outFile = join(outDir, `${packageName}-${entry.replaceAll('/', '-')}.mjs`);
  if (!existsSync(outFile)) {
    const root = git(packageDir, ['rev-parse', '--show-toplevel']).trim();
    const work = mkdtempSync(join(tmpdir(), 'dtrn-baseline-'));
    try {
      const archive = execFileSync(
        'git',
        ['archive', '--format=tar', commit, 'packages', 'tsconfig.base.json'],
        {
          cwd: root,
          maxBuffer: 1 << 30,
        },
      );
      execFileSync('tar', ['-x', '-C', work], { input: archive });
      await bundle(join(work, 'packages', packageName, 'src', `${entry}.ts`), work, outFile);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return { module: await import(pathToFileURL(outFile).href), ref: commit.slice(0, 12) };
}

/**
 * The sides of a before/after benchmark: `[['today', today], ['before (<ref>)', baseline]]`, or only
 * today's side (with a line saying why) when the baseline is skipped or cannot be built.
 *
 * @param {any} today this checkout's build of the package
 * @param {Parameters<typeof importBaseline>[0]} options as for importBaseline
 * @returns {Promise<[string, any][]>}
 */
export async function todayAndBaseline(today, options) {
  const sides = [['today', today]];
  const baseline = await importBaseline(options);
  if (baseline.module) sides.push([`before (${baseline.ref})`, baseline.module]);
  else console.log(`(no "before" side: ${baseline.reason})`);
  return sides;
}
