// Side-by-side benchmarks behind the TIM step's kernel choices (wasm, one thread): the variants of
// each comparison run interleaved (A B C A B C ...) in one process, on fresh inputs every window
// (XNNPACK caches a packed right-hand operand per tensor, so reusing inputs would flatter some
// forms); median CPU ms of BENCH_WINDOWS windows (default 7), then the same ratio by wall time.
// Shapes from the DTRN configuration at B = 1024 (2 tasks, 3 behaviors of up to 50 items, d = 16,
// 2 heads of 8): 153,600 positions before compaction; the largest bucket 419 sequences x 50.
// Run: node bench/kernels.bench.mjs (after pnpm --filter @dtrn/hypernet-encoder build)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs-backend-wasm';
import { linear } from '@dtrn/core';
import { median, timed } from '@dtrn/tooling/bench';
import { importSources } from '@dtrn/tooling/bench-baseline';
import * as tf from '@tensorflow/tfjs-core';

const windows = Number(process.env.BENCH_WINDOWS ?? 7);
const only = process.env.BENCH_ONLY; // run the comparisons whose title contains this text
await tf.setBackend('wasm');
await tf.ready();
const internals = await importSources({
  packageDir: join(dirname(fileURLToPath(import.meta.url)), '..'),
  file: 'bench/internals.ts',
});

const normal = (shape, seed = 1, scale = 1) => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale);

/** One run of `fn` on `inputs`, every output read back. */
function runAndRead(fn, inputs) {
  tf.tidy(() => {
    const out = fn(...inputs);
    for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
  });
}

/** Runs `fn` on fresh inputs and returns its CPU and wall ms; the results are read back. */
function measure(fn, setup) {
  const inputs = setup();
  const { cpu, wall } = timed(() => runAndRead(fn, inputs));
  tf.dispose(inputs);
  return { cpu, wall };
}

/** Tensor memory of one run of `fn` above what its inputs take: tf.profile's peak, MiB. */
async function peakMiB(fn, setup) {
  const inputs = setup();
  const before = tf.memory().numBytes;
  const info = await tf.profile(() => runAndRead(fn, inputs));
  tf.dispose(inputs);
  return (info.peakBytes - before) / 2 ** 20;
}

/** Prints one comparison: variants [name, fn(...inputs) -> tensor(s)] on inputs from setup(). */
async function compare(title, setup, variants) {
  if (only && !title.includes(only)) return;
  const times = variants.map(() => ({ cpu: [], wall: [] }));
  for (const [, fn] of variants) measure(fn, setup); // warm-up
  for (let w = 0; w < windows; w++) {
    variants.forEach(([, fn], i) => {
      const t = measure(fn, setup);
      times[i].cpu.push(t.cpu);
      times[i].wall.push(t.wall);
    });
  }
  const [cpu0, wall0] = [median(times[0].cpu), median(times[0].wall)];
  console.log(`\n${title}`);
  for (const [i, [name, fn]] of variants.entries()) {
    const [cpu, wall] = [median(times[i].cpu), median(times[i].wall)];
    const peak = await peakMiB(fn, setup);
    console.log(
      `| ${name} | ${cpu.toFixed(1)} | ${(cpu0 / cpu).toFixed(2)}x | ${(wall0 / wall).toFixed(2)}x | ${peak.toFixed(0)} |`,
    );
  }
}

/** Value and input gradients of sum(f(...inputs) * readOut). */
const withGradients =
  (f, readOutShape) =>
  (...inputs) => {
    const readOut = tf.randomNormal(readOutShape, 0, 1, 'float32', 9);
    return tf.grads((...xs) => tf.sum(tf.mul(f(...xs), readOut)))(inputs);
  };

console.log(
  `# TIM kernel choices, wasm, one thread: median CPU ms of ${windows} interleaved windows (speed vs the first row by CPU and by wall time; tensor peak of one run above its inputs, tf.profile)`,
);
console.log('| variant | CPU ms | CPU speed | wall speed | tensor peak MiB |');

await compare('Bias gradient, dy [153600, 48]', () => [normal([153600, 48])], [
  ['tf.sum(dy, 0)', (dy) => tf.sum(dy, 0)],
  ['ones[1, N] @ dy', (dy) => tf.matMul(tf.fill([1, 153600], 1), dy)],
]);

await compare(
  'Weight gradient x^T dy, x [41900, 16], dy [41900, 64]',
  () => [normal([41900, 16], 1), normal([41900, 64], 2)],
  [
    ['matMul(x, dy, transposeA)', (x, dy) => tf.matMul(x, dy, true, false)],
    ['transpose(x) @ dy (packs dy)', (x, dy) => tf.matMul(tf.transpose(x), dy)],
    ['(transpose(dy) @ x)^T (packs x)', (x, dy) => tf.transpose(tf.matMul(tf.transpose(dy), x))],
  ],
);

{
  const N = 87000;
  const setup = () => [normal([N, 16], 1), normal([16, 48], 2, 0.3), normal([48], 3, 0.3)];
  const columns = (w, b, width) =>
    Array.from({ length: 48 / width }, (_, i) => [
      tf.slice(w, [0, i * width], [16, width]),
      tf.slice(b, [i * width], [width]),
    ]);
  await compare(`q|k|v projections, forward and all gradients, x [${N}, 16]`, setup, [
    [
      'one [16, 48] product, split',
      withGradients((x, w, b) => tf.concat(tf.split(linear(x, w, b), 3, 1), 0), [3 * N, 16]),
    ],
    [
      'three [16, 16] products',
      withGradients(
        (x, w, b) =>
          tf.concat(
            columns(w, b, 16).map(([wi, bi]) => linear(x, wi, bi)),
            0,
          ),
        [3 * N, 16],
      ),
    ],
    [
      'six [16, 8] products (per head)',
      withGradients(
        (x, w, b) =>
          tf.concat(
            columns(w, b, 8).map(([wi, bi]) => linear(x, wi, bi)),
            0,
          ),
        [6 * N, 8],
      ),
    ],
  ]);
}

{
  const [n, L, dh] = [419, 50, 8];
  const setup = () => [
    normal([n, L, dh], 1),
    normal([n, L, dh], 2),
    normal([dh, n, L], 3),
    normal([dh, n, L], 4),
  ];
  await compare(`Attention scores Q K^T, head size 8, [${n}, ${L}, ${dh}]`, setup, [
    ['batched matMul', (q, k) => tf.matMul(q, k, false, true)],
    [
      'broadcast multiplies + addN',
      (_q, _k, qT, kT) =>
        tf.addN(
          Array.from({ length: dh }, (_, c) =>
            tf.mul(
              tf.reshape(tf.slice(qT, [c, 0, 0], [1, n, L]), [n, L, 1]),
              tf.reshape(tf.slice(kT, [c, 0, 0], [1, n, L]), [n, 1, L]),
            ),
          ),
        ),
    ],
    [
      'depthwise convolution',
      (q, k) =>
        tf.depthwiseConv2d(
          tf.reshape(tf.transpose(q, [1, 2, 0]), [1, L, dh, n]),
          tf.reshape(tf.transpose(k, [2, 0, 1]), [1, dh, n, L]),
          1,
          'valid',
        ),
    ],
  ]);
}

{
  const [n, L, d] = [419, 50, 16];
  const mask = tf.tensor2d(
    Float32Array.from({ length: n * L }, (_, i) => (i % L >= (i * 7) % L ? 1 : 0)),
    [n, L],
  );
  const keyBias = tf.mul(tf.sub(mask, 1), 1e9);
  const block = (w) => ({
    queryKeyValue: { kernel: w[0], bias: w[1] },
    attentionOutput: { kernel: w[2], bias: w[3] },
  });
  const setup = () => [
    normal([n, L, d], 1),
    normal([d, 3 * d], 2, 0.3),
    normal([3 * d], 3, 0.3),
    normal([d, d], 4, 0.3),
    normal([d], 5, 0.3),
  ];
  await compare(
    `Attention sub-layer x + MHA(x), forward and all gradients, [${n}, ${L}, ${d}], 2 heads`,
    setup,
    [
      [
        'composite (autodiff, batched matMuls)',
        withGradients(
          (x, ...w) =>
            tf.add(
              x,
              internals.maskedSelfAttention(x, keyBias, block(w), {
                numHeads: 2,
                dropoutRate: 0,
                training: false,
              }),
            ),
          [n, L, d],
        ),
      ],
      [
        'fused op (depthwise convolutions)',
        withGradients(
          (x, ...w) => internals.attentionSublayer(x, keyBias, internals.attentionWeights(block(w), 2)),
          [n, L, d],
        ),
      ],
    ],
  );
  const [K, ff] = [2, 64];
  const nfSetup = () => [
    normal([n, L, d], 1),
    tf.add(normal([K, n, d], 2, 0.2), 1),
    normal([K, n, d], 3, 0.2),
    normal([d, ff], 4, 0.3),
    normal([ff], 5, 0.3),
    normal([ff, d], 6, 0.3),
    normal([d], 7, 0.3),
    tf.add(normal([K, n, d], 8, 0.2), 1),
    normal([K, n, d], 9, 0.2),
  ];
  const affine = (z, r, g, b) => internals.conditionalAffine(tf.reshape(z, [r, n, L, d]), g, b);
  await compare(
    `LayerNorm, FFN, LayerNorm for ${K} tasks, forward and all gradients, [${n}, ${L}, ${d}]`,
    nfSetup,
    [
      [
        'separate custom ops',
        withGradients(
          (h, g1, b1, w1, c1, w2, c2, g2, b2) => {
            const y1 = tf.reshape(affine(internals.standardize(h, 1e-6), 1, g1, b1), [-1, d]);
            const fed = internals.feedForwardWithResidual(y1, w1, c1, w2, c2);
            return tf.reshape(affine(internals.standardize(fed, 1e-6), K, g2, b2), [K * n, L, d]);
          },
          [K * n, L, d],
        ),
      ],
      [
        'one fused op',
        withGradients(
          (h, g1, b1, w1, c1, w2, c2, g2, b2) =>
            internals.normFeedForward(
              h,
              {
                gamma1: g1,
                beta1: b1,
                innerKernel: w1,
                innerBias: c1,
                outerKernel: w2,
                outerBias: c2,
                gamma2: g2,
                beta2: b2,
              },
              1e-6,
            ),
          [K * n, L, d],
        ),
      ],
    ],
  );
  const poolSetup = () => [
    normal([K, n, L, d], 1),
    normal([n, d], 2),
    normal([4 * d, 32], 3, 0.3),
    normal([32], 4, 0.3),
    normal([32, 1], 5, 0.3),
    normal([1], 6, 0.3),
  ];
  const scorer = (w) => [
    { kernel: w[0], bias: w[1] },
    { kernel: w[2], bias: w[3] },
  ];
  await compare(
    `DIN target-attention pooling for ${K} tasks, forward and all gradients, [${n}, ${L}, ${d}]`,
    poolSetup,
    [
      [
        'composite (custom first layer, autodiff)',
        withGradients(
          (e, t, ...w) =>
            internals.poolSequences(
              'target-attention-din',
              { encoded: tf.reshape(e, [K, 1, n, L, d]), mask: tf.reshape(mask, [1, n, L]), target: t },
              scorer(w),
            ),
          [K, 1, n, d],
        ),
      ],
      ['one fused op', withGradients((e, t, ...w) => internals.dinPool(e, mask, t, scorer(w)), [K, n, d])],
    ],
  );
}

{
  const rows = 153600;
  const picks = Int32Array.from({ length: 87000 }, (_, i) => (i * 7919) % rows);
  await compare(
    'Row gather, 87,000 rows of [153601, 16]',
    () => [
      normal([rows + 1, 16]),
      tf.tensor1d(picks, 'int32'),
      tf.tensor2d(picks, [picks.length, 1], 'int32'),
    ],
    [
      ['tf.gather', (x, index) => tf.gather(x, index)],
      ['tf.gatherND', (x, _index, indexNd) => tf.gatherND(x, indexNd)],
    ],
  );
  const sizes = [3000, 5000, 7000, 8000, 9000, 10000, 11000, 11000, 12000, 11000];
  const blocks = sizes.map((size, j) => {
    const start = sizes.slice(0, j).reduce((a, b) => a + b, 0);
    return Int32Array.from({ length: size }, (_, i) => start + i);
  });
  await compare('Ten row blocks of packed [87000, 16]', () => [normal([87000, 16])], [
    ['tf.split', (x) => tf.split(x, sizes, 0)],
    [
      'row gathers (tf.gatherND)',
      (x) => blocks.map((block) => tf.gatherND(x, tf.tensor2d(block, [block.length, 1], 'int32'))),
    ],
  ]);
}

for (const shape of [
  [2, 266944],
  [1000, 480],
]) {
  await compare(`Sum over the leading axis of [${shape}]`, () => [normal(shape)], [
    ['tf.sum(x, 0)', (x) => tf.sum(x, 0)],
    ['ones[1, R] @ x', (x) => tf.matMul(tf.fill([1, shape[0]], 1), x)],
  ]);
}

{
  // Compaction: the same encoder, its buckets planned by the cost model (compaction.ts; also with a
  // higher per-bucket overhead, i.e. fewer buckets), against one bucket at the full length (every
  // position computed, only all-padding sequences left out); and the LayerNorm/FFN fusion.
  const [B, L, d] = [1024, 50, 16];
  let seed = 7;
  const random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const masks = [0, 1, 2].map(() => {
    const values = new Float32Array(B * L);
    for (let b = 0; b < B; b++)
      for (let l = L - Math.floor(random() * (L + 1)); l < L; l++) values[b * L + l] = 1;
    return tf.tensor2d(values, [B, L]);
  });
  const args = internals.resolveHypernetEncoderArgs({
    numTasks: 2,
    numBehaviors: 3,
    embeddingDim: d,
    maxSequenceLength: L,
    seed: 1,
  });
  const params = internals.createHypernetEncoderParams(args);
  const variables = Object.values(internals.hypernetEncoderVariables(params));
  const defaultOverhead = internals.BUCKET_COST.bucketOverhead;
  const step =
    (overhead, fused = true) =>
    (sequences, target) => {
      const saved = internals.BUCKET_COST.bucketOverhead;
      internals.BUCKET_COST.bucketOverhead = overhead;
      internals.FUSION.normFeedForward = fused;
      try {
        const loss = () =>
          tf.sum(
            tf.stack(
              internals
                .hypernetEncoderForward(params, { sequences, masks, target }, { training: true })
                .flat(),
            ),
          );
        const { value, grads } = tf.variableGrads(loss, variables);
        return [value, ...Object.values(grads)];
      } finally {
        internals.BUCKET_COST.bucketOverhead = saved;
        internals.FUSION.normFeedForward = true;
      }
    };
  await compare(
    `TIM step (forward and gradients), B = ${B}, 3 behaviors of uniform lengths 0..${L}, 2 tasks`,
    () => [[0, 1, 2].map((m) => normal([B, L, d], m)), normal([B, d], 5)].flat(),
    [
      ['one bucket at the full length', (s0, s1, s2, t) => step(1e12)([s0, s1, s2], t)],
      ['span buckets (default cost model)', (s0, s1, s2, t) => step(defaultOverhead)([s0, s1, s2], t)],
      ['span buckets, bucket overhead 2000', (s0, s1, s2, t) => step(2000)([s0, s1, s2], t)],
      ['span buckets, bucket overhead 10000', (s0, s1, s2, t) => step(10000)([s0, s1, s2], t)],
      [
        'span buckets, LayerNorm/FFN as separate ops',
        (s0, s1, s2, t) => step(defaultOverhead, false)([s0, s1, s2], t),
      ],
    ],
  );

  // The plain reference forward (reference-forward.ts) against the fast one, same inputs.
  const run = (forward, training) => (s0, s1, s2, target) => {
    const inputs = { sequences: [s0, s1, s2], masks, target };
    if (!training) return forward(params, inputs, { training }).flat();
    const loss = () => tf.sum(tf.stack(forward(params, inputs, { training }).flat()));
    const { value, grads } = tf.variableGrads(loss, variables);
    return [value, ...Object.values(grads)];
  };
  await compare(
    `Plain reference forward against the fast one, B = ${B}, 3 behaviors of uniform lengths 0..${L}, 2 tasks`,
    () => [[0, 1, 2].map((m) => normal([B, L, d], m)), normal([B, d], 5)].flat(),
    [
      ['fast, forward', run(internals.hypernetEncoderForward, false)],
      ['plain reference, forward', run(internals.hypernetEncoderReferenceForward, false)],
      ['fast, forward and gradients', run(internals.hypernetEncoderForward, true)],
      ['plain reference, forward and gradients', run(internals.hypernetEncoderReferenceForward, true)],
    ],
  );
}
