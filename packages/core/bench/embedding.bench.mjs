// Benchmark: EmbeddingBank step time (lookup + applyGradients with lazy Adam) against vocabulary size.
// A step is one batch of 1024 samples: the target item plus 3 behavior sequences of 50 items share the
// `item` table (1024 * 151 ids), 19 other sparse fields share the `field` table (1024 * 19 ids); d = 16,
// 174,080 ids per step. Ids are Zipf(1.1) or uniform over the rows, scattered over the table by a
// fixed bijection (rank -> row) so hot rows are not neighbours in memory. A third law, Zipf over 10^4
// ids only (scattered over the whole table), keeps the distinct rows per step equal at every size.
// Cold: the measured steps as they come (rows first touched are initialised, their pages committed).
// Warm: the same batches replayed, so only steady-state costs remain. CPU ms (process.cpuUsage) is less
// sensitive than wall time to other processes sharing the machine. lookup/apply ms are means (cold).
// First touch: (cold CPU - warm CPU) per step / rows initialised per cold step = the CPU cost of
// initialising a row and committing the memory it lives on.
// Run: pnpm --filter @dtrn/core bench   (or: node --expose-gc bench/embedding.bench.mjs)
// Env: BENCH_VOCABS=10000,100000 BENCH_WINDOWS=5 BENCH_STEPS=3 BENCH_WARMUP=3 BENCH_DISTRIBUTIONS=zipf,uniform
import { createRng } from '@dtrn/base';
import { loadAverage, median, timeWindow } from '@dtrn/tooling/bench';

// BENCH_CORE_DIST: another build of this package to time instead (e.g. the code before a change).
const { EmbeddingBank } = await import(process.env.BENCH_CORE_DIST ?? '../dist/index.js');

import { makeIds, zipfExponent } from './ids.mjs';

const vocabularies = (process.env.BENCH_VOCABS ?? '10000,100000,1000000,10000000').split(',').map(Number);
const distributions = (process.env.BENCH_DISTRIBUTIONS ?? 'zipf,zipf-1e4,uniform').split(',');
const windows = Number(process.env.BENCH_WINDOWS ?? 5);
const stepsPerWindow = Number(process.env.BENCH_STEPS ?? 3);
const warmup = Number(process.env.BENCH_WARMUP ?? 3);
const batch = 1024;
const dim = 16;
const itemIdsPerSample = 1 + 3 * 50;
const fieldIdsPerSample = 19;

function mean(values) {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function label(distribution) {
  if (distribution === 'zipf') return `Zipf(${zipfExponent})`;
  if (distribution === 'zipf-1e4') return `Zipf(${zipfExponent}) over 10^4 ids`;
  return 'uniform';
}

function runCase(rows, distribution) {
  const rng = createRng(`${rows}/${distribution}`);
  const totalSteps = warmup + windows * stepsPerWindow;
  const batches = Array.from({ length: totalSteps }, () => ({
    item: makeIds(batch * itemIdsPerSample, rows, distribution, rng),
    field: makeIds(batch * fieldIdsPerSample, rows, distribution, rng),
  }));
  const bank = new EmbeddingBank({
    tables: [
      { name: 'item', rows, dim },
      { name: 'field', rows, dim },
    ],
    optimizer: { kind: 'adam', learningRate: 0.001 },
    seed: 1,
  });
  const itemRows = new Float32Array(batch * itemIdsPerSample * dim);
  const fieldRows = new Float32Array(batch * fieldIdsPerSample * dim);
  // Stand-in gradients (the model's backward pass is not part of this benchmark).
  const itemGradients = Float32Array.from({ length: itemRows.length }, () => rng.uniform(-1e-3, 1e-3));
  const fieldGradients = Float32Array.from({ length: fieldRows.length }, () => rng.uniform(-1e-3, 1e-3));
  let next = 0;
  let distinct = 0;
  let lookupTime = 0;
  let applyTime = 0;
  const step = () => {
    const ids = batches[next++];
    const t0 = performance.now();
    bank.lookupInto('item', ids.item, itemRows);
    bank.lookupInto('field', ids.field, fieldRows);
    const t1 = performance.now();
    const { touchedRows } = bank.applyGradients([
      { table: 'item', ids: ids.item, gradients: itemGradients },
      { table: 'field', ids: ids.field, gradients: fieldGradients },
    ]);
    const t2 = performance.now();
    lookupTime += t1 - t0;
    applyTime += t2 - t1;
    distinct += touchedRows.item + touchedRows.field;
  };
  for (let s = 0; s < warmup; s++) step();
  distinct = 0;
  lookupTime = 0;
  applyTime = 0;
  const results = [];
  const coldCpu = [];
  const initializedBefore = bank.tableInfo('item').initializedRows + bank.tableInfo('field').initializedRows;
  for (let w = 0; w < windows; w++) {
    const { wall, cpu } = timeWindow(step, stepsPerWindow);
    results.push(wall);
    coldCpu.push(cpu);
  }
  const initializedAfter = bank.tableInfo('item').initializedRows + bank.tableInfo('field').initializedRows;
  const measured = windows * stepsPerWindow;
  const coldLookup = lookupTime / measured;
  const coldApply = applyTime / measured;
  const coldDistinct = distinct / measured;
  // Warm: replay the measured batches. Their rows are initialised and their memory pages committed,
  // as in a long run where the rows in use have been seen before; first-touch costs are excluded.
  const warmResults = [];
  const warmCpu = [];
  for (let w = 0; w < windows; w++) {
    next = warmup + w * stepsPerWindow;
    const { wall, cpu } = timeWindow(step, stepsPerWindow);
    warmResults.push(wall);
    warmCpu.push(cpu);
  }
  const result = {
    rows,
    distribution,
    warmStepMs: median(warmResults),
    warmCpuMs: median(warmCpu),
    coldCpuMs: mean(coldCpu),
    warmCpuMeanMs: mean(warmCpu),
    newRows: (initializedAfter - initializedBefore) / (windows * stepsPerWindow),
    initializedRows: bank.tableInfo('item').initializedRows + bank.tableInfo('field').initializedRows,
    stepMs: median(results),
    lookupMs: coldLookup,
    applyMs: coldApply,
    distinctRows: Math.round(coldDistinct),
    memoryGiB: bank.memoryBytes / 2 ** 30,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
  };
  return result;
}

console.log(`load average before: ${loadAverage(1)}`);
console.log(
  `EmbeddingBank step = lookup + applyGradients (lazy Adam), batch ${batch}, ${batch * (itemIdsPerSample + fieldIdsPerSample)} ids/step, d = ${dim}; median of ${windows} windows x ${stepsPerWindow} steps after ${warmup} warm-up steps`,
);
console.log(
  '| ids | vocabulary | distinct rows / step | cold step ms | lookup ms | apply ms | warm step ms | warm CPU ms | warm CPU µs per distinct row | rows first touched / cold step | first touch CPU µs per row | rows initialised | allocated GiB | RSS MiB |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const byDistribution = new Map();
for (const distribution of distributions) {
  for (const rows of vocabularies) {
    globalThis.gc?.();
    const r = runCase(rows, distribution);
    if (!byDistribution.has(distribution)) byDistribution.set(distribution, []);
    byDistribution.get(distribution).push(r);
    console.log(
      `| ${label(distribution)} | ${rows.toExponential(0)} | ${r.distinctRows} | ${r.stepMs.toFixed(1)} | ${r.lookupMs.toFixed(1)} | ${r.applyMs.toFixed(1)} | ${r.warmStepMs.toFixed(1)} | ${r.warmCpuMs.toFixed(1)} | ${((r.warmCpuMs * 1000) / r.distinctRows).toFixed(2)} | ${Math.round(r.newRows)} | ${r.newRows >= 100 ? (((r.coldCpuMs - r.warmCpuMeanMs) * 1000) / r.newRows).toFixed(2) : ''} | ${r.initializedRows} | ${r.memoryGiB.toFixed(2)} | ${r.rssMiB.toFixed(0)} |`,
    );
  }
}
for (const [distribution, results] of byDistribution) {
  const first = results[0];
  const last = results.at(-1);
  if (results.length > 1) {
    console.log(
      `${distribution}: at ${last.rows.toExponential(0)} / ${first.rows.toExponential(0)}: cold step ${(last.stepMs / first.stepMs).toFixed(2)}x, warm step ${(last.warmStepMs / first.warmStepMs).toFixed(2)}x, warm CPU ${(last.warmCpuMs / first.warmCpuMs).toFixed(2)}x, distinct rows ${(last.distinctRows / first.distinctRows).toFixed(2)}x`,
    );
  }
}
console.log(`load average after: ${loadAverage(1)}`);
