// Benchmark: the trainer's cost around a model. A bare loop (prepare, one backward pass of the
// summed task losses, sparse row updates, dense Adam) is compared with `fit` on the same model and
// batches, for every balancing method, plus the forward pass alone. The model is the small test
// model from @dtrn/trainer/testing (2 sparse fields of 10,000 rows, d = 16, shared layer 64, two
// towers), so the trainer's share is as large as it gets; with the real models it shrinks.
// Run: pnpm --filter @dtrn/trainer bench  (median of BENCH_WINDOWS=5 timed epochs after a warm-up)
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { median, timedAsync } from '@dtrn/tooling/bench';
import * as tf from '@tensorflow/tfjs-core';
import {
  createTaskTargets,
  DEFAULT_ADAM,
  DenseAdam,
  datasetBatches,
  disposeTargets,
  fit,
  maskedTaskLosses,
} from '../dist/index.js';
import { TinyMultiTaskModel, tinyDataset } from '../dist/testing.js';

const windows = Number(process.env.BENCH_WINDOWS ?? 5);
const backends = (process.env.BENCH_BACKENDS ?? 'wasm').split(',');
const batchSize = Number(process.env.BENCH_BATCH ?? 1024);
const batchesPerEpoch = Number(process.env.BENCH_STEPS ?? 8);
const vocabulary = 10_000;

function makeModel() {
  return new TinyMultiTaskModel({
    taskNames: ['click', 'conversion'],
    vocabularySizes: [vocabulary, vocabulary],
    embeddingDim: 16,
    hiddenUnits: 64,
    seed: 1,
  });
}

async function timeEpochs(run) {
  await run(); // warm-up
  const results = [];
  for (let w = 0; w < windows; w++) {
    results.push((await timedAsync(run)).wall / batchesPerEpoch);
  }
  return median(results);
}

const data = tinyDataset({
  size: batchSize * batchesPerEpoch,
  users: vocabulary,
  items: vocabulary,
  seed: 3,
});
const source = datasetBatches(data, { batchSize, shuffle: false });
const fixedBatches = [...source.epoch(0, 0)];

for (const backend of backends) {
  await tf.setBackend(backend);
  await tf.ready();
  const rows = [];

  const forwardModel = makeModel();
  const forwardMs = await timeEpochs(async () => {
    for (const batch of fixedBatches) {
      const prepared = forwardModel.prepare(batch, { training: false });
      tf.tidy(() => forwardModel.forward(prepared, { training: false }).map((t) => t.dataSync()));
      prepared.dispose();
    }
  });
  forwardModel.dispose();
  rows.push(['forward only (prepare + forward)', forwardMs]);

  const bareModel = makeModel();
  const groups = bareModel.variableGroups;
  const dense = [...groups.shared, ...groups.perTask.flat()];
  const adam = new DenseAdam(dense, DEFAULT_ADAM);
  const bareMs = await timeEpochs(async () => {
    for (const batch of fixedBatches) {
      const prepared = bareModel.prepare(batch, { training: true });
      const targets = createTaskTargets(batch.labels, batch.sampleMasks, batch.size);
      const { value, grads } = tf
        .engine()
        .gradients(
          () =>
            tf.tidy(() =>
              tf.addN(maskedTaskLosses(bareModel.forward(prepared, { training: true }), targets)),
            ),
          [...prepared.sparseInputs, ...dense],
        );
      value.dataSync();
      prepared.applySparseGradients(grads.slice(0, prepared.sparseInputs.length));
      adam.apply(grads.slice(prepared.sparseInputs.length));
      tf.dispose([value, ...grads]);
      disposeTargets(targets);
      prepared.dispose();
    }
  });
  adam.dispose();
  bareModel.dispose();
  rows.push(['bare training loop (no trainer)', bareMs]);

  for (const balancing of ['equal', 'uncertainty', 'gradnorm', 'pcgrad']) {
    const model = makeModel();
    const ms = await timeEpochs(() =>
      fit(model, source, null, { epochs: 1, batchSize, balancing, earlyStopping: false }),
    );
    model.dispose();
    rows.push([`fit, ${balancing}`, ms]);
  }

  console.log(`\n${backend}: batch ${batchSize}, ${batchesPerEpoch} steps per window, median of ${windows}`);
  console.log('| loop | ms / step | samples / s | vs bare loop |');
  console.log('|---|---:|---:|---:|');
  for (const [name, ms] of rows) {
    const ratio = name.startsWith('forward') ? '' : `${((ms / bareMs - 1) * 100).toFixed(1)}%`;
    console.log(
      `| ${name} | ${ms.toFixed(1)} | ${Math.round((batchSize * 1000) / ms).toLocaleString('en-US')} | ${ratio} |`,
    );
  }
}
