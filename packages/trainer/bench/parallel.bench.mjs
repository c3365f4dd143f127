// Benchmark: data-parallel training (fitParallel, worker threads) against one-thread fit, on the
// issue's configurations built by @dtrn/model: batch 1024, 20 sparse fields of vocabulary 10,000
// (field 0 is the target item, whose id space the three behavior sequences of length 50 share),
// d = 16, 2 tasks, lazy Adam on the rows and dense Adam, wasm backend.
// - mmoe: shared bottom with mean-pooled sequences, MMoE 4 experts [256, 128], towers [64];
// - dtrn: TIM (1 block, 2 heads, DIN pooling) + TRM in front of the same MMoE head.
//
// The runs of one configuration are INTERLEAVED in this one process: each run trains for a window
// of BENCH_STEPS steps, then hands over to the next (a baton passed from fit's / fitParallel's
// onProgress), so load from other processes hits every run alike. The first BENCH_WARMUP windows
// of each run are dropped; figures are medians of the remaining BENCH_WINDOWS. Per run:
// - samples/s: samples / wall time of a window;
// - CPU ms per step: process CPU time (every thread) per step, less sensitive to other processes;
// - idle-machine estimate: what the step would take with a core per thread and nothing else
//   running. One thread: the main thread's own CPU time per step (/proc/thread-self/schedstat).
//   Workers: per step, the slowest worker's compute plus the slowest worker's apply (their thread
//   CPU times, from onStepTiming) plus the coordinator's CPU time while the workers wait for it
//   (onStepTiming's `coordinator`). The speed-up figure divides the two. It assumes a core per
//   worker and no memory-bandwidth contention between the two cores; helper threads (V8's garbage
//   collector) are left out on both sides, and the process CPU column shows what they add.
// Run: pnpm --filter @dtrn/trainer build && node bench/parallel.bench.mjs
// Env: BENCH_MODELS=mmoe,dtrn BENCH_RUNS=fit,2s BENCH_WINDOWS=7 BENCH_STEPS=3 BENCH_WARMUP=2
//      (DTRN: BENCH_DTRN_WINDOWS=3 BENCH_DTRN_STEPS=2 BENCH_DTRN_WARMUP=1; at least 2 steps per window,
//      see the coordinator's time below); runs: fit = one thread; n = n workers with
//      replicated embeddings; ns = n workers sharing one set of embedding rows.
import { readFileSync } from 'node:fs';
import '@tensorflow/tfjs-backend-wasm';
import { createModel } from '@dtrn/model';
import { loadAverage, median } from '@dtrn/tooling/bench';
import * as tf from '@tensorflow/tfjs-core';
import { d, MMOE_HEAD } from '../../model/bench/mmoe-config.mjs';
import { fit } from '../dist/index.js';
import { fitParallel } from '../dist/node.js';
import { batchMaker, cyclingSource, modelArgs, schema } from './mmoe-config.mjs';

const models = (process.env.BENCH_MODELS ?? 'mmoe,dtrn').split(',');
const runNames = (process.env.BENCH_RUNS ?? 'fit,2s').split(',');
const warmup = Math.max(1, Number(process.env.BENCH_WARMUP ?? 2));
const DTRN_WARMUP = Math.max(1, Number(process.env.BENCH_DTRN_WARMUP ?? 1));
const B = 1024;
const CONFIGS = {
  mmoe: {
    args: modelArgs,
    windows: Number(process.env.BENCH_WINDOWS ?? 7),
    steps: Number(process.env.BENCH_STEPS ?? 3),
    warmup,
  },
  dtrn: {
    args: { bottom: 'dtrn', head: 'mmoe', headArgs: MMOE_HEAD, embeddingDim: d },
    windows: Number(process.env.BENCH_DTRN_WINDOWS ?? 3),
    steps: Number(process.env.BENCH_DTRN_STEPS ?? 2),
    warmup: DTRN_WARMUP,
  },
};

await tf.setBackend('wasm');
await tf.ready();

const load = () => loadAverage(1);
const processCpuMs = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};
/** The calling thread's CPU ms (Linux schedstat; falls back to process CPU elsewhere). */
const threadCpuMs = (() => {
  try {
    readFileSync('/proc/thread-self/schedstat', 'utf8');
    return () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return processCpuMs;
  }
})();

/** Turn-taking between the runs: one trains while the others wait. */
function createBaton(names) {
  let turn = 0;
  const done = new Set();
  const waiters = new Map();
  const wake = () => {
    const name = names[turn];
    const waiter = waiters.get(name);
    if (waiter) {
      waiters.delete(name);
      waiter();
    }
  };
  const advance = () => {
    if (done.size === names.length) return;
    do turn = (turn + 1) % names.length;
    while (done.has(names[turn]));
    wake();
  };
  return {
    /** Hands the turn on and resolves when it is `name`'s again. */
    pass(name) {
      advance();
      return new Promise((resolve) => {
        if (names[turn] === name) resolve();
        else waiters.set(name, resolve);
      });
    },
    finish(name) {
      done.add(name);
      if (names[turn] === name) advance();
    },
  };
}

async function benchConfiguration(name) {
  const config = CONFIGS[name];
  const makeBatch = batchMaker(12345);
  const batches = Array.from({ length: 8 }, () => makeBatch(B));
  const totalWindows = config.warmup + config.windows;
  const source = cyclingSource(batches, totalWindows * config.steps);
  const options = { epochs: 1, earlyStopping: false, progressEverySteps: config.steps, seed: 1 };
  const baton = createBaton(runNames);
  const records = new Map(runNames.map((run) => [run, []]));

  const makeRecorder = (run, parallelTimings) => {
    let mark = null;
    const start = () => {
      mark = {
        wall: performance.now(),
        cpu: processCpuMs(),
        thread: threadCpuMs(),
        timings: parallelTimings?.length ?? 0,
      };
    };
    start();
    const onProgress = async () => {
      const list = records.get(run);
      const steps = config.steps;
      const record = {
        wallMs: (performance.now() - mark.wall) / steps,
        cpuMs: (processCpuMs() - mark.cpu) / steps,
        mainThreadMs: (threadCpuMs() - mark.thread) / steps,
      };
      if (parallelTimings) {
        const window = parallelTimings.slice(mark.timings);
        const worst = (phase, key) => Math.max(...phase.map((timing) => timing[key] ?? Number.NaN));
        const mean = (f) => window.reduce((sum, t) => sum + f(t), 0) / window.length;
        record.computeMs = mean((t) => worst(t.compute, 'cpuMs'));
        record.applyMs = mean((t) => worst(t.apply, 'cpuMs'));
        record.waitMs = mean((t) => worst([...t.compute, ...t.apply], 'waitMs'));
        // A window's first step also counts what ran on this thread between windows (the fit run):
        // the coordinator's time is the median over the window's other steps.
        record.coordinatorMs = median(window.slice(1).map((t) => t.coordinator.cpuMs ?? Number.NaN));
        record.criticalMs = record.computeMs + record.applyMs + record.coordinatorMs;
        record.workerCpuMs =
          window.reduce(
            (sum, t) => sum + [...t.compute, ...t.apply].reduce((s, p) => s + (p.cpuMs ?? 0), 0),
            0,
          ) / window.length;
      } else {
        record.criticalMs = record.mainThreadMs;
      }
      list.push(record);
      if (list.length >= totalWindows) {
        baton.finish(run);
        return;
      }
      await baton.pass(run);
      start();
    };
    return onProgress;
  };

  const parameters = (() => {
    const model = createModel(schema, config.args);
    const count = model.parameterCount();
    model.dispose();
    return count;
  })();
  console.log(
    `\n## ${name}: ${parameters.dense.toLocaleString('en-US')} dense + ${parameters.embedding.toLocaleString('en-US')} embedding parameters; batch ${B}; ${config.windows} interleaved windows of ${config.steps} step(s) after ${config.warmup} warm-up; load average before: ${load()}`,
  );
  const tasks = runNames.map(async (run) => {
    if (run === 'fit') {
      const model = createModel(schema, config.args);
      try {
        await fit(model, source, null, { ...options, onProgress: makeRecorder(run) });
      } finally {
        model.dispose();
      }
      return;
    }
    const shared = run.endsWith('s');
    const workers = Number(shared ? run.slice(0, -1) : run);
    const timings = [];
    await fitParallel(
      { module: import.meta.resolve('@dtrn/model'), exportName: 'createModel', args: [schema, config.args] },
      source,
      null,
      {
        ...options,
        workers,
        backend: 'wasm',
        sharedEmbeddings: shared,
        onProgress: makeRecorder(run, timings),
        onStepTiming: (timing) => timings.push(timing),
      },
    );
  });
  await Promise.all(tasks);

  console.log(
    '| run | samples/s (wall) | range | process CPU ms / step | idle-machine estimate ms / step | estimate samples/s |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  const summary = {};
  for (const run of runNames) {
    const measured = records.get(run).slice(config.warmup);
    const rates = measured.map((r) => (B * 1000) / r.wallMs);
    const critical = median(measured.map((r) => r.criticalMs));
    summary[run] = { rate: median(rates), critical };
    const label =
      run === 'fit'
        ? 'fit, one thread'
        : `fitParallel, ${run.replace('s', '')} workers, ${run.endsWith('s') ? 'shared' : 'replicated'} embeddings`;
    console.log(
      `| ${label} | ${Math.round(median(rates)).toLocaleString('en-US')} | ${Math.round(Math.min(...rates)).toLocaleString('en-US')}-${Math.round(Math.max(...rates)).toLocaleString('en-US')} | ${median(measured.map((r) => r.cpuMs)).toFixed(0)} | ${critical.toFixed(0)} | ${Math.round((B * 1000) / critical).toLocaleString('en-US')} |`,
    );
  }
  for (const run of runNames.filter((r) => r !== 'fit')) {
    const measured = records.get(run).slice(config.warmup);
    const m = (key) => median(measured.map((r) => r[key])).toFixed(1);
    console.log(
      `${run}: per step, slowest worker's compute ${m('computeMs')} ms + slowest apply ${m('applyMs')} ms + coordinator while the workers wait ${m('coordinatorMs')} ms (thread CPU; the coordinator's thread in all ${m('mainThreadMs')} ms); workers' CPU in all ${m('workerCpuMs')} ms; a worker's run-queue wait up to ${m('waitMs')} ms`,
    );
  }
  if (summary.fit) {
    for (const run of runNames.filter((r) => r !== 'fit')) {
      console.log(
        `${name}, ${run} over fit: wall ${(summary[run].rate / summary.fit.rate).toFixed(2)}x (on this machine's load), idle-machine estimate ${(summary.fit.critical / summary[run].critical).toFixed(2)}x`,
      );
    }
  }
  console.log(`load average after: ${load()}`);
}

for (const name of models) await benchConfiguration(name);
