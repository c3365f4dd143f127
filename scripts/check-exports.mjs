// Packs every publishable package as npm would publish it, installs the tarballs into a scratch
// consumer project (dependencies linked from this workspace, no network), then (1) imports every `exports`
// entry from Node, (2) `require`s every entry from a CommonJS file, (3) type-checks an import of every
// entry with moduleResolution NodeNext, and (4) bundles a consumer with esbuild that only imports the
// layer packages (`import '@dtrn/mtl-heads'`) and loads a saved Layers model with each registered
// layer class, which fails when a bundler drops the registration. It first checks the publishing
// metadata (LICENSE, repository, homepage, bugs: scripts/package-metadata.mjs) and that every
// tarball carries the LICENSE.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(process.cwd());
execFileSync('node', [join(root, 'scripts', 'package-metadata.mjs'), '--check'], { stdio: 'inherit' });
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
  if (!existsSync(join(target, 'LICENSE'))) throw new Error(`${manifest.name}: the tarball has no LICENSE`);
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

// CommonJS consumers: `require` of every entry (Node >= 20.19 loads ESM through require).
const requireScript = entries.map((e) => `require(${JSON.stringify(e.specifier)});`).join('\n');
writeFileSync(
  join(scratch, 'require-all.cjs'),
  `${requireScript}\nconsole.log('required ${entries.length} entry points from CommonJS');\n`,
);
execFileSync('node', ['require-all.cjs'], { cwd: scratch, stdio: 'inherit' });

await checkBundledLayerRegistration(scratch);

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

/**
 * Saves a Layers model holding every registered dtrn layer (unbundled), then bundles a consumer that
 * only imports the layer packages for their registration and loads the model; both must predict the same.
 */
async function checkBundledLayerRegistration(dir) {
  const requireFromTsup = createRequire(
    createRequire(join(root, 'package.json')).resolve('tsup/package.json'),
  );
  const esbuild = await import(requireFromTsup.resolve('esbuild'));
  writeFileSync(
    join(dir, 'save-layers-model.mjs'),
    `import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { writeFileSync } from 'node:fs';
import { hypernetEncoder } from '@dtrn/hypernet-encoder';
import { mmoe } from '@dtrn/mtl-heads';
import { senetRefiner } from '@dtrn/senet-refiner';
await tf.setBackend('cpu');
const d = 4, lengths = [3, 2];
const sequences = lengths.map((length) => tfl.input({ shape: [length, d] }));
const masks = lengths.map((length) => tfl.input({ shape: [length] }));
const target = tfl.input({ shape: [d] });
const interests = hypernetEncoder({ numTasks: 2, numBehaviors: 2, embeddingDim: d, maxSequenceLength: 3, numHeads: 2, feedForwardDim: 6 })
  .apply([...sequences, ...masks, target]);
const shared = tfl.input({ shape: [3, d] });
const bottoms = senetRefiner({ numTasks: 2, numFields: 5, embeddingDim: d }).apply([shared, ...interests]);
const logits = mmoe({ numTasks: 2, numExperts: 2, expertUnits: [3], towerUnits: [] }).apply(bottoms[0]);
const model = tfl.model({ inputs: [...sequences, ...masks, target, shared], outputs: logits });
const inputs = model.inputs.map((input, i) => tf.randomUniform([2, ...input.shape.slice(1)], 0, 1, 'float32', i + 1));
await model.save(tf.io.withSaveHandler(async (artifacts) => {
  writeFileSync('layers-model.json', JSON.stringify({
    modelTopology: artifacts.modelTopology,
    weightSpecs: artifacts.weightSpecs,
    weightData: Buffer.from(artifacts.weightData).toString('base64'),
    inputs: inputs.map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) })),
    expected: model.predict(inputs).map((t) => Array.from(t.dataSync())),
  }));
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
}));
`,
  );
  execFileSync('node', ['save-layers-model.mjs'], { cwd: dir, stdio: 'inherit' });
  writeFileSync(
    join(dir, 'load-layers-model.mjs'),
    `import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@dtrn/hypernet-encoder';
import '@dtrn/mtl-heads';
import '@dtrn/senet-refiner';
import { readFileSync } from 'node:fs';
await tf.setBackend('cpu');
const saved = JSON.parse(readFileSync('layers-model.json', 'utf8'));
const weightData = new Uint8Array(Buffer.from(saved.weightData, 'base64')).buffer;
const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: saved.modelTopology, weightSpecs: saved.weightSpecs, weightData }));
const outputs = model.predict(saved.inputs.map((input) => tf.tensor(input.values, input.shape)));
let worst = 0;
outputs.forEach((t, k) => t.dataSync().forEach((v, i) => { worst = Math.max(worst, Math.abs(v - saved.expected[k][i])); }));
if (worst > 1e-6) throw new Error('bundled consumer: loaded model predicts differently (' + worst + ')');
console.log('bundled consumer: a Layers model with every dtrn layer class loads after esbuild bundling');
`,
  );
  await esbuild.build({
    entryPoints: [join(dir, 'load-layers-model.mjs')],
    outfile: join(dir, 'load-layers-model.bundle.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'error',
    // tfjs stays external (one copy, as an app would install it); the dtrn packages are bundled.
    external: ['@tensorflow/*'],
  });
  execFileSync('node', ['load-layers-model.bundle.mjs'], { cwd: dir, stdio: 'inherit' });
}
