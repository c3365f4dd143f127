// Benchmark of whole models on wasm: the issue's MMoE configuration and DTRN in front of the same head.
// Data: batch 1024, 20 sparse fields of vocabulary 10,000 (field 0 is the target item, whose id space
// the three behavior sequences share), three sequences of length 50, 2 tasks, d = 16.
// - mmoe: shared bottom with the sequences MEAN-pooled (sequenceEncoder 'mean-pool'), MMoE 4 experts
//   [256, 128], towers [64]; sparse rows (EmbeddingBank, lazy Adam) + tf.train.adam for the dense part.
// - naive: the same MMoE written the straightforward way: tables as dense tf.Variables, tf.gather
//   lookup (gradient by scatterND, since wasm has no UnsortedSegmentSum), stock tf.matMul, tf.train.adam
//   over everything (so every step touches every row).
// - dtrn: TIM (1 block, 2 heads, DIN pooling) + TRM + the same MMoE head.
// - floor: only the matrix products of an mmoe training step (forward, input and kernel gradients of
//   every dense layer), i.e. the arithmetic no implementation on this backend can skip.
// Reports training samples/s (median of windows), inference samples/s, one user x 200 candidates
// p50 latency (scoreCandidates, and predict on the same rows), process CPU time (steadier than wall time on a shared machine), peak RSS.
// Run: pnpm --filter @dtrn/model bench
// Env: BENCH_WINDOWS=5 BENCH_STEPS=3 BENCH_MODELS=floor,mmoe,naive (add dtrn for its row; dtrn.bench.mjs
// compares DTRN before/after) BENCH_PROFILE=1 (top kernels)
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers'; // registers the op gradients
import { loadAverage, median, timed, timeWindows } from '@dtrn/tooling/bench';
import * as tf from '@tensorflow/tfjs-core';
import { createModel } from '../dist/index.js';
import { bce } from './bce.mjs';
import {
  d,
  dtrnModelArgs,
  L,
  mmoeModelArgs,
  mmoeSchema,
  numBehaviors,
  numFields,
  randomBatchMaker,
  vocabulary,
} from './mmoe-config.mjs';
import { trainStepper } from './train-step.mjs';

const windows = Number(process.env.BENCH_WINDOWS ?? 5);
const stepsPerWindow = Number(process.env.BENCH_STEPS ?? 3);
const models = (process.env.BENCH_MODELS ?? 'floor,mmoe,naive').split(',');
const profile = process.env.BENCH_PROFILE === '1';
const B = 1024;
const candidates = 200;

await tf.setBackend('wasm');
await tf.ready();

function percentile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const schema = mmoeSchema();
const makeBatch = randomBatchMaker(12345);

/** One user with `count` candidate items: every column equal except the target item. */
function candidateBatch(source, count) {
  const pick = (column, width) => {
    const out = new Int32Array(count * width);
    for (let i = 0; i < count; i++) out.set(column.subarray(0, width), i * width);
    return out;
  };
  const sparse = source.sparse.map((column, f) =>
    f === 0 ? Int32Array.from({ length: count }, (_, i) => 1 + i) : pick(column, 1),
  );
  const sequences = source.sequences.map((s) => ({ items: pick(s.items, L), sideFields: [], maxLength: L }));
  return {
    size: count,
    sparse,
    dense: [],
    sequences,
    labels: [new Float32Array(count), new Float32Array(count)],
    sampleMasks: [undefined, undefined],
  };
}

/** Wall and CPU ms per call of fn, median over windows of `steps` calls. */
function timeIt(fn, steps = stepsPerWindow) {
  fn();
  const { wall, cpu } = timeWindows(fn, { windows, steps });
  return { wall: median(wall), cpu: median(cpu) };
}

/** Prints the kernels that take the most time in one call of fn. */
async function profileKernels(label, fn) {
  const info = await tf.profile(fn);
  const byName = new Map();
  for (const kernel of info.kernels)
    byName.set(kernel.name, (byName.get(kernel.name) ?? 0) + kernel.kernelTimeMs);
  const top = [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(`${label}: ${top.map(([n, ms]) => `${n} ${ms.toFixed(1)} ms`).join(', ')}`);
}

const ARGS = {
  mmoe: mmoeModelArgs,
  dtrn: dtrnModelArgs,
};

async function benchModel(name, batch, users) {
  const model = createModel(schema, ARGS[name]);
  const train = trainStepper(model, batch);
  const training = timeIt(train);
  if (profile) await profileKernels(`${name} training step`, train);
  const inference = timeIt(() => model.predict(batch));
  if (profile)
    await profileKernels(`${name} 200 candidates (scoreCandidates)`, () => model.scoreCandidates(users[0]));
  const candidates = latency((user) => model.scoreCandidates(user), users);
  const viaPredict = latency((user) => model.predict(user), users);
  const counts = model.parameterCount();
  train.dispose();
  model.dispose();
  return { training, inference, candidates, viaPredict, counts };
}

/** Wall p50 / p90 and CPU p50 (ms) of scoring each user's candidates with `score`, after 3 warm-up calls. */
function latency(score, users) {
  for (let i = 0; i < 3; i++) score(users[i % users.length]);
  const wall = [];
  const cpu = [];
  for (let i = 0; i < 40; i++) {
    const call = timed(() => score(users[i % users.length]));
    wall.push(call.wall);
    cpu.push(call.cpu);
  }
  return { p50: percentile(wall, 0.5), p90: percentile(wall, 0.9), cpuP50: percentile(cpu, 0.5) };
}

/** The straightforward tfjs implementation of the mmoe configuration. */
function benchNaive(batch, users) {
  const glorot = (rows, cols) =>
    tf.variable(tf.mul(tf.randomUniform([rows, cols], -1, 1), Math.sqrt(6 / (rows + cols))));
  const tables = Array.from({ length: numFields }, () =>
    tf.variable(tf.randomNormal([vocabulary, d], 0, 0.02)),
  );
  const inputDim = (numFields + numBehaviors) * d;
  const dense = (input, units) => ({ kernel: glorot(input, units), bias: tf.variable(tf.zeros([units])) });
  const experts = Array.from({ length: 4 }, () => [dense(inputDim, 256), dense(256, 128)]);
  const gates = [0, 1].map(() => glorot(inputDim, 4));
  const towers = [0, 1].map(() => [dense(128, 64), dense(64, 1)]);
  const all = [
    ...tables,
    ...experts.flat().flatMap((l) => [l.kernel, l.bias]),
    ...gates,
    ...towers.flat().flatMap((l) => [l.kernel, l.bias]),
  ];
  const lookup = tf.customGrad((table, ids, save) => {
    save([ids]);
    return {
      value: tf.gather(table, ids),
      gradFunc: (dy, [savedIds]) => [
        tf.scatterND(tf.expandDims(savedIds, 1), dy, table.shape),
        tf.zerosLike(savedIds),
      ],
    };
  });
  const forward = (input) =>
    tf.tidy(() => {
      const size = input.size;
      const fields = input.sparse.map((column, f) => lookup(tables[f], tf.tensor1d(column, 'int32'))); // F x [B, d]
      const pooled = input.sequences.map((s) => {
        const ids = tf.tensor1d(s.items, 'int32');
        const rows = tf.reshape(lookup(tables[0], ids), [size, L, d]); // [B, L, d]
        const mask = tf.reshape(tf.cast(tf.notEqual(ids, 0), 'float32'), [size, L, 1]);
        return tf.div(tf.sum(tf.mul(rows, mask), 1), tf.maximum(tf.sum(mask, 1), 1)); // [B, d]
      });
      const x = tf.concat([...fields, ...pooled], 1); // [B, N*d]
      const layer = (h, l, act) => {
        const y = tf.add(tf.matMul(h, l.kernel), l.bias);
        return act ? tf.relu(y) : y;
      };
      const expertOut = experts.map((e) => layer(layer(x, e[0], true), e[1], true)); // E x [B, 128]
      const stacked = tf.stack(expertOut, 1); // [B, E, 128]
      return gates.map((g, k) => {
        const weights = tf.softmax(tf.matMul(x, g)); // [B, E]
        const mixed = tf.sum(tf.mul(stacked, tf.expandDims(weights, 2)), 1); // [B, 128]
        return layer(layer(mixed, towers[k][0], true), towers[k][1], false); // [B, 1]
      });
    });
  const optimizer = tf.train.adam(0.001);
  const train = () => {
    const cost = optimizer.minimize(() => bce(forward(batch), batch.labels), true, all);
    cost.dataSync();
    cost.dispose();
  };
  const predict = (input) => {
    const logits = forward(input);
    const out = logits.map((l) => tf.tidy(() => tf.sigmoid(l)).dataSync());
    tf.dispose(logits);
    return out;
  };
  const training = timeIt(train);
  const inference = timeIt(() => predict(batch));
  const viaPredict = latency(predict, users);
  const counts = {
    dense: all.slice(numFields).reduce((n, v) => n + v.size, 0),
    embedding: numFields * vocabulary * d,
  };
  optimizer.dispose();
  tf.dispose(all);
  return { training, inference, candidates: null, viaPredict, counts };
}

/**
 * The arithmetic floor of an mmoe training step: only its matrix products (every dense layer's
 * forward product and the two products of its backward pass, at the step's shapes), nothing else.
 */
function benchFloor() {
  const layers = [
    ...Array.from({ length: 4 }, () => [(numFields + numBehaviors) * d, 256]),
    ...Array.from({ length: 4 }, () => [256, 128]),
    ...Array.from({ length: 2 }, () => [(numFields + numBehaviors) * d, 4]),
    ...Array.from({ length: 2 }, () => [128, 64]),
    ...Array.from({ length: 2 }, () => [64, 1]),
  ];
  // One fixed tensor per operand (XNNPACK caches an operator per right-hand buffer and shape).
  const operands = layers.map(([input, units]) => ({
    x: tf.randomNormal([B, input]), // [B, in]
    w: tf.randomNormal([input, units]), // [in, units]
    dy: tf.randomNormal([B, units]), // [B, units]
    wT: tf.randomNormal([units, input]), // [units, in]
    xT: tf.randomNormal([input, B]), // [in, B]
  }));
  const macs = layers.reduce((total, [input, units]) => total + 3 * B * input * units, 0);
  const step = () => {
    for (const o of operands) {
      tf.matMul(o.x, o.w).dispose(); // forward [B, units]
      tf.matMul(o.dy, o.wT).dispose(); // input gradient [B, in]
      tf.matMul(o.xT, o.dy).dispose(); // kernel gradient [in, units]
    }
  };
  const training = timeIt(step);
  tf.dispose(operands.flatMap((o) => Object.values(o)));
  console.log(
    `floor: ${(macs / 1e9).toFixed(2)} GMAC per step in ${training.wall.toFixed(0)} ms wall / ${training.cpu.toFixed(0)} ms CPU (${((2 * macs) / training.cpu / 1e6).toFixed(1)} GFLOP/s by CPU time)`,
  );
  return {
    training,
    inference: null,
    candidates: null,
    viaPredict: null,
    counts: { dense: 0, embedding: 0 },
  };
}

const ms = (l) => (l ? `${l.p50.toFixed(1)} / ${l.p90.toFixed(1)} (${l.cpuP50.toFixed(1)})` : 'n/a');
const batch = makeBatch(B);
const users = Array.from({ length: 4 }, () => candidateBatch(makeBatch(1), candidates));
console.log(
  `# @dtrn/model bench: wasm, B = ${B}, ${numFields} fields x ${vocabulary} ids, ${numBehaviors} x L ${L}, d = ${d}; median of ${windows} windows of ${stepsPerWindow} steps`,
);
console.log(
  '| model | params (dense + embedding) | train samples/s (CPU-time basis) | inference samples/s (CPU basis) | 200 candidates, scoreCandidates: p50 / p90 ms (CPU p50) | 200 candidates, predict: p50 / p90 ms (CPU p50) |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const name of models) {
  const result =
    name === 'naive'
      ? benchNaive(batch, users)
      : name === 'floor'
        ? benchFloor()
        : await benchModel(name, batch, users);
  const per = (t) =>
    `${Math.round((B * 1000) / t.wall).toLocaleString('en')} (${Math.round((B * 1000) / t.cpu).toLocaleString('en')})`;
  const params = `${result.counts.dense.toLocaleString('en')} + ${result.counts.embedding.toLocaleString('en')}`;
  console.log(
    `| ${name} | ${params} | ${per(result.training)} | ${result.inference ? per(result.inference) : 'n/a'} | ${ms(result.candidates)} | ${ms(result.viaPredict)} |`,
  );
}
console.log(
  `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; load average ${loadAverage(1)}`,
);
