// Benchmark of the DTRN configuration (TIM + TRM + the MMoE head of model.bench.mjs: batch 1024, 20
// sparse fields, three sequences of length 50 with uniform random lengths 0..50, 2 tasks, d = 16),
// wasm, one thread: the current code against the code of a baseline commit ("before", built from
// that commit's sources by @dtrn/tooling/bench-baseline), in one process, windows interleaved
// (after, before, after, before, ...). Peak RSS of each side from its own child process.
// Run: pnpm --filter @dtrn/model bench   (or node bench/dtrn.bench.mjs after a build)
// Env: BENCH_WINDOWS=5  BENCH_PROFILE=1 (top kernels of the current step and inference, by kernel CPU
//      time)  BENCH_BASELINE_REF=<commit>
//      BENCH_BASELINE=0 (current code only)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers'; // registers the op gradients
import { cpuModel, interleavedWindows, loadAverage, median } from '@dtrn/tooling/bench';
import { importBaseline } from '@dtrn/tooling/bench-baseline';
import * as tf from '@tensorflow/tfjs-core';
import { createModel } from '../dist/index.js';
import { dtrnModelArgs, mmoeSchema, randomBatchMaker } from './mmoe-config.mjs';
import { trainStepper } from './train-step.mjs';

/** The commit before issue 15's DTRN step work ("today's code" of the issue). */
export const BASELINE_COMMIT = '65c928eb27f2795906024c1bf240beb95624d469';
const here = dirname(fileURLToPath(import.meta.url));
const windows = Number(process.env.BENCH_WINDOWS ?? 5);
const probe = process.argv.find((a) => a.startsWith('--probe='))?.slice('--probe='.length);
const B = 1024;

await tf.setBackend('wasm');
await tf.ready();

async function variants() {
  const list = [{ name: 'after', createModel }];
  if (probe === 'after') return list;
  const baseline = await importBaseline({
    packageName: 'model',
    packageDir: join(here, '..'),
    ref: BASELINE_COMMIT,
  });
  if (!baseline.module) {
    console.log(`(no "before" side: ${baseline.reason})`);
    return list;
  }
  const before = { name: `before (${baseline.ref})`, createModel: baseline.module.createModel };
  return probe === 'before' ? [before] : [...list, before];
}

const batch = randomBatchMaker(12345)(B);
const sides = (await variants()).map(({ name, createModel: create }) => {
  const model = create(mmoeSchema(), dtrnModelArgs);
  return { name, model, train: trainStepper(model, batch), infer: () => model.predict(batch) };
});

if (probe) {
  // Child process: a few steps of one side, then its peak RSS.
  for (const side of sides) {
    for (let i = 0; i < 3; i++) side.train();
    for (let i = 0; i < 2; i++) side.infer();
  }
  console.log(JSON.stringify({ rssMiB: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

for (const side of sides) {
  side.losses = [side.train(), side.train()]; // warm-up (and the first two losses)
  side.infer();
}
const timings = interleavedWindows(sides, ['train', 'infer'], { windows });
const results = new Map(sides.map((s, i) => [s.name, timings[i]]));

const rss = new Map();
for (const side of sides) {
  const which = side.name.startsWith('after') ? 'after' : 'before';
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), `--probe=${which}`], {
    encoding: 'utf8',
    env: process.env,
  });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  rss.set(side.name, line.startsWith('{') ? JSON.parse(line).rssMiB : Number.NaN);
}

const med = (list, key) => median(list.map((t) => t[key]));
console.log(
  `\n# DTRN configuration, wasm, one thread, B = ${B}: after vs before, interleaved; median of ${windows} windows of 1 step (wall ms, CPU ms in parentheses)`,
);
console.log(
  '| code | train step ms | train samples/s | inference ms | inference samples/s | peak RSS MiB | first losses |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
for (const side of sides) {
  const { train, infer } = results.get(side.name);
  const [tw, tc, iw, ic] = [med(train, 'wall'), med(train, 'cpu'), med(infer, 'wall'), med(infer, 'cpu')];
  const perSecond = (ms) => Math.round((B * 1000) / ms).toLocaleString('en');
  console.log(
    `| ${side.name} | ${tw.toFixed(0)} (${tc.toFixed(0)}) | ${perSecond(tw)} (${perSecond(tc)}) | ${iw.toFixed(0)} (${ic.toFixed(0)}) | ${perSecond(iw)} (${perSecond(ic)}) | ${rss.get(side.name).toFixed(0)} | ${side.losses.map((l) => l.toFixed(5)).join(', ')} |`,
  );
}
if (sides.length === 2) {
  const [after, before] = sides.map((s) => results.get(s.name));
  // Per-window ratios of neighbouring windows (before / after), then their median.
  const ratio = (key, kind) => median(after[kind].map((a, w) => before[kind][w][key] / a[key]));
  console.log(
    `speed-up (before / after, median of per-window ratios): training ${ratio('wall', 'train').toFixed(2)}x wall, ${ratio('cpu', 'train').toFixed(2)}x CPU; inference ${ratio('wall', 'infer').toFixed(2)}x wall, ${ratio('cpu', 'infer').toFixed(2)}x CPU`,
  );
}
console.log(`machine: ${cpuModel()}; load average ${loadAverage(1)} (at the end)`);

if (process.env.BENCH_PROFILE === '1') {
  // Kernel times as process CPU time (tf.profile's own are wall-clock, which on a shared machine
  // mostly measures waiting for a core): the backend's timer is replaced for this one profile.
  const backend = tf.backend();
  const wallTimer = backend.time;
  backend.time = async (f) => {
    const start = process.cpuUsage();
    f();
    const used = process.cpuUsage(start);
    return { kernelMs: (used.user + used.system) / 1000 };
  };
  for (const [label, fn] of [
    ['training step', sides[0].train],
    ['inference', sides[0].infer],
  ]) {
    const info = await tf.profile(fn);
    const leaves = info.kernels.filter((k) => k.name !== 'unnamed scope' && !k.name.endsWith('__op'));
    const total = leaves.reduce((sum, k) => sum + k.kernelTimeMs, 0);
    const group = (keyOf) => {
      const map = new Map();
      for (const k of leaves) map.set(keyOf(k), (map.get(keyOf(k)) ?? 0) + k.kernelTimeMs);
      return [...map].sort((a, b) => b[1] - a[1]);
    };
    console.log(
      `\nafter, ${label} under tf.profile: ${leaves.length} kernel calls, ${total.toFixed(0)} ms of kernel CPU time, tensor peak ${(info.peakBytes / 2 ** 20).toFixed(0)} MiB`,
    );
    console.log(
      `  by kernel: ${group((k) => k.name)
        .slice(0, 12)
        .map(([n, ms]) => `${n} ${ms.toFixed(0)}`)
        .join(', ')}`,
    );
    for (const [key, ms] of group((k) => `${k.name} ${JSON.stringify(k.inputShapes)}`).slice(0, 20))
      console.log(`  ${ms.toFixed(1)} ms ${key}`);
  }
  backend.time = wallTimer;
}
for (const side of sides) {
  side.train.dispose();
  side.model.dispose();
}
