/**
 * Test fixtures of the data-parallel tests: a small multi-behavior dataset (with a conversion
 * sample space, so masked means must use whole-batch counts) and the ModelSpec of a small MMoE
 * built by `@dtrn/model`'s `createModel` in each worker.
 */
import { Rng } from '@dtrn/base';
import type { ModelState } from '@dtrn/core';
import type { DatasetSchema, InMemoryDataset } from '@dtrn/data';

const FIELDS = 3;
const VOCABULARY = 40;
const LENGTH = 4;

export const SCHEMA = {
  idSpaces: Array.from({ length: FIELDS }, (_, f) => ({
    name: f === 0 ? 'item' : `f${f}`,
    size: VOCABULARY,
    oov: 'error',
  })),
  sparseFields: Array.from({ length: FIELDS }, (_, f) => ({
    name: f === 0 ? 'target_item' : `field_${f}`,
    idSpace: f === 0 ? 'item' : `f${f}`,
  })),
  denseFields: [],
  sequences: {
    behaviors: ['click', 'cart'].map((name) => ({ name, maxLength: LENGTH })),
    itemIdSpace: 'item',
    sideFields: [],
    targetField: 'target_item',
  },
  tasks: [{ name: 'click' }, { name: 'conversion', sampleSpace: { positiveOf: 'click' } }],
} as unknown as DatasetSchema;

/** createModel args: mean-pooled sequences, MMoE with 2 experts [8] and towers [4], d = 4. */
export const MODEL_ARGS = {
  bottom: 'shared',
  sequenceEncoder: 'mean-pool',
  head: 'mmoe',
  headArgs: { numExperts: 2, expertUnits: [8], towerUnits: [4] },
  embeddingDim: 4,
  embeddings: { optimizer: { kind: 'adam', learningRate: 0.02 } },
  seed: 5,
};

export const MODEL_SPEC = { module: '@dtrn/model', exportName: 'createModel', args: [SCHEMA, MODEL_ARGS] };

/** `size` rows; conversion is defined on clicked rows only. */
export function parallelDataset(size: number, seed: number): InMemoryDataset {
  const rng = new Rng(seed);
  const id = () => 1 + Math.floor(rng.next() * (VOCABULARY - 1));
  const sparse = Array.from({ length: FIELDS }, () => Int32Array.from({ length: size }, id));
  const sequences = SCHEMA.sequences!.behaviors.map(() => {
    const items = new Int32Array(size * LENGTH);
    for (let row = 0; row < size; row++) {
      const length = Math.floor(rng.next() * (LENGTH + 1));
      for (let l = LENGTH - length; l < LENGTH; l++) items[row * LENGTH + l] = id();
    }
    return { items, sideFields: [], maxLength: LENGTH };
  });
  // Labels that depend on the ids, so there is something to learn.
  const click = Float32Array.from({ length: size }, (_, row) =>
    sparse[1]![row]! % 3 === 0 || rng.next() < 0.2 ? 1 : 0,
  );
  const conversion = Float32Array.from({ length: size }, (_, row) =>
    click[row] === 1 && (sparse[2]![row]! % 2 === 0 || rng.next() < 0.1) ? 1 : 0,
  );
  return {
    schema: SCHEMA,
    size,
    sparse,
    dense: [],
    sequences,
    labels: [click, conversion],
    sampleMasks: [undefined, click.slice()],
  };
}

/** Every number of a model state built by createModel (dense by name, then every sparse array). */
export function modelStateValues(state: ModelState): number[] {
  const dense = Object.keys(state.dense)
    .sort()
    .flatMap((name) => Array.from(state.dense[name]!.values));
  const sparse = state.sparse as {
    arrays: Record<string, { values: Float32Array; slots: Record<string, Float32Array> }>;
  };
  const tables = Object.keys(sparse.arrays)
    .sort()
    .flatMap((name) => {
      const table = sparse.arrays[name]!;
      return [
        ...table.values,
        ...Object.keys(table.slots)
          .sort()
          .flatMap((slot) => Array.from(table.slots[slot]!)),
      ];
    });
  return [...dense, ...tables];
}

/** Largest |a - b| / (1e-3 + |b|) over two equally long arrays. */
export function maxRelativeDifference(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1e-3 + Math.abs(b[i]!)));
  return worst;
}
