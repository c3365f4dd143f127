/** Test helpers: random weights, a mixed schema with every input kind, and ONNX Runtime runs. */
import { type Batch, type DatasetSchema, type InMemoryDataset, sliceRows, splitDataset } from '@dtrn/data';
import { generateMultiBehaviorData, syntheticPreset } from '@dtrn/datasets';
import type { ModelArgs, RecommenderModel } from '@dtrn/model';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { batchToOnnxInputs } from '../batch-inputs.js';
import type { OnnxExport } from '../export-onnx.js';

export function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Every dense weight uniform in ±scale and every table row (but padding row 0) uniform in ±0.5. */
export function randomizeWeights(model: RecommenderModel, seed: number, scale = 0.3): void {
  const random = generator(seed);
  for (const { variable } of model.namedWeights()) {
    const values = Float32Array.from({ length: variable.size }, () => (random() * 2 - 1) * scale);
    const tensor = tf.tensor(values, variable.shape);
    variable.assign(tensor);
    tensor.dispose();
  }
  for (const table of model.embeddingTables()) {
    table.write(
      Float32Array.from({ length: table.rows * table.dim }, (_, i) => (i < table.dim ? 0 : random() - 0.5)),
    );
  }
}

/** Small blocks for tests (d = 10). */
export const SMALL: ModelArgs = {
  embeddingDim: 10,
  encoder: {
    feedForwardDim: 16,
    hypernetworkUnits: 8,
    poolingUnits: [8],
    taskEmbeddingDim: 4,
    behaviorEmbeddingDim: 4,
  },
};

export const SMALL_HEADS: Readonly<Record<string, Record<string, unknown>>> = {
  'shared-bottom': { bottomUnits: [16], towerUnits: [8] },
  mmoe: { numExperts: 3, expertUnits: [16], towerUnits: [8] },
  ple: { numLevels: 1, numTaskExperts: 1, numSharedExperts: 2, expertUnits: [16], towerUnits: [8] },
  esmm: { towerUnits: [16, 8] },
  aitm: { towerUnits: [16, 8] },
};

/** The tiny synthetic preset's test split (sequences of 8), with one all-padding sequence. */
export function syntheticTestRows(rows: number): InMemoryDataset {
  const data = generateMultiBehaviorData(
    syntheticPreset('control', 'tiny', { seed: 3, sequenceLength: 8, numSamples: 2000 }),
  );
  const test = sliceRows(
    splitDataset(data, { by: 'user', fractions: [0.8, 0.1, 0.1], seed: 3 }).test,
    0,
    rows,
  );
  const first = test.sequences[0]!;
  first.items.fill(0, 0, first.maxLength);
  for (const side of first.sideFields) side.fill(0, 0, first.maxLength);
  return test;
}

/**
 * A schema with every input kind: a standalone field over a side field's id space (a second
 * table width), two dense fields, behaviors of lengths 5 and 9, a target without side fields (zeros
 * in their columns), a hash id space, and the group field.
 */
export const MIXED_SCHEMA: DatasetSchema = {
  idSpaces: [
    { name: 'item', size: 60, oov: 'reserved' },
    { name: 'category', size: 9, oov: 'error' },
    { name: 'shop', size: 12, oov: 'hash', hashBuckets: 4 },
    { name: 'user', size: 30, oov: 'error' },
    { name: 'city', size: 7, oov: 'error' },
  ],
  sparseFields: [
    { name: 'user_id', idSpace: 'user' },
    { name: 'city', idSpace: 'city' },
    { name: 'favourite_category', idSpace: 'category' },
    { name: 'target_item', idSpace: 'item' },
    { name: 'target_category', idSpace: 'category' },
  ],
  denseFields: [{ name: 'age' }, { name: 'spend' }],
  sequences: {
    behaviors: [
      { name: 'view', maxLength: 9 },
      { name: 'buy', maxLength: 5 },
    ],
    itemIdSpace: 'item',
    sideFields: [
      { name: 'category', idSpace: 'category' },
      { name: 'shop', idSpace: 'shop' },
    ],
    targetField: 'target_item',
  },
  tasks: [{ name: 'ctr' }, { name: 'cvr' }, { name: 'like' }],
  groupField: 'user_id',
};

/** Random rows of MIXED_SCHEMA (sequences padded first; some empty, some full). */
export function mixedBatch(size: number, seed: number): Batch {
  const random = generator(seed);
  const id = (rows: number) => 1 + Math.floor(random() * (rows - 1));
  const spaces = new Map(MIXED_SCHEMA.idSpaces.map((s) => [s.name, s.size]));
  const sparse = MIXED_SCHEMA.sparseFields.map((field) =>
    Int32Array.from({ length: size }, () => id(spaces.get(field.idSpace)!)),
  );
  const sequences = MIXED_SCHEMA.sequences!.behaviors.map((behavior, m) => {
    const L = behavior.maxLength;
    const items = new Int32Array(size * L);
    const sides = [new Int32Array(size * L), new Int32Array(size * L)];
    for (let b = 0; b < size; b++) {
      const length = b === m ? 0 : b === 2 ? L : Math.floor(random() * (L + 1));
      for (let l = L - length; l < L; l++) {
        items[b * L + l] = id(60);
        sides[0]![b * L + l] = id(9);
        sides[1]![b * L + l] = id(12);
      }
    }
    return { items, sideFields: sides, maxLength: L };
  });
  const dense = [0, 1].map(() => Float32Array.from({ length: size }, () => random() * 4 - 2));
  const labels = MIXED_SCHEMA.tasks.map(() => new Float32Array(size));
  return { size, sparse, dense, sequences, labels, sampleMasks: MIXED_SCHEMA.tasks.map(() => undefined) };
}

/** Probabilities per task from ONNX Runtime (CPU, one thread). */
export async function runOnnx(
  exported: OnnxExport,
  schema: DatasetSchema,
  batch: Batch,
): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(exported.bytes, { intraOpNumThreads: 1 });
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, input] of Object.entries(batchToOnnxInputs(exported.metadata, schema, batch))) {
      feeds[name] = new ort.Tensor(input.type, input.data, [...input.dims]);
    }
    const result = await session.run(feeds);
    return exported.metadata.outputs.map((output) => result[output.name]!.data as Float32Array);
  } finally {
    await session.release();
  }
}

export function maxAbsDifference(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let max = 0;
  a.forEach((values, k) => {
    if (values.length !== b[k]!.length)
      throw new Error(`task ${k}: ${values.length} vs ${b[k]!.length} values`);
    values.forEach((value, i) => {
      max = Math.max(max, Math.abs(value - b[k]![i]!));
    });
  });
  return max;
}
