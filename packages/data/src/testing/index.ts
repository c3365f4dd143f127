/** Fixtures for tests of this package and of packages built on it (the `@dtrn/data/testing` entry). */
import { createRng } from '@dtrn/base';
import { createEmptyDataset } from '../create-dataset.js';
import { sampleMasksFor } from '../sample-masks.js';
import type { DatasetSchema, InMemoryDataset } from '../types.js';
import { validateSchema } from '../validate-schema.js';

/** A small schema using every feature kind: 3 id spaces, 3 sparse, 1 dense, 2 behaviors, 2 tasks. */
export function rawTinySchema(): Record<string, unknown> {
  return {
    idSpaces: [
      { name: 'user', size: 10, oov: 'reserved' },
      { name: 'item', size: 20, oov: 'hash', hashBuckets: 4 },
      { name: 'category', size: 6, oov: 'error' },
    ],
    sparseFields: [
      { name: 'user_id', idSpace: 'user' },
      { name: 'item_id', idSpace: 'item' },
      { name: 'item_category', idSpace: 'category' },
    ],
    denseFields: [{ name: 'price' }],
    sequences: {
      behaviors: [
        { name: 'clicks', maxLength: 4 },
        { name: 'carts', maxLength: 3 },
      ],
      itemIdSpace: 'item',
      sideFields: [{ name: 'category', idSpace: 'category' }],
      targetField: 'item_id',
      targetSideFields: ['item_category'],
    },
    tasks: [{ name: 'click' }, { name: 'conversion', sampleSpace: { positiveOf: 'click' } }],
    groupField: 'user_id',
  };
}

export function tinySchema(): DatasetSchema {
  return validateSchema(rawTinySchema());
}

/** A valid random dataset on the tiny schema (timestamps = row index, one extra column). */
export function tinyDataset(size: number, seed = 1): InMemoryDataset {
  const schema = tinySchema();
  const rng = createRng(seed);
  const ds = createEmptyDataset(schema, size, { timestamps: true, extras: ['oracle/click'] });
  for (let row = 0; row < size; row++) {
    (ds.sparse[0] as Int32Array)[row] = 1 + rng.int(9);
    (ds.sparse[1] as Int32Array)[row] = 1 + rng.int(19);
    (ds.sparse[2] as Int32Array)[row] = 1 + rng.int(5);
    (ds.dense[0] as Float32Array)[row] = rng.uniform(0, 10);
    for (const sequence of ds.sequences) {
      const length = sequence.maxLength;
      const used = rng.int(length + 1);
      for (let position = length - used; position < length; position++) {
        sequence.items[row * length + position] = 1 + rng.int(19);
        sequence.sideFields[0]![row * length + position] = 1 + rng.int(5);
      }
    }
    const click = rng.bernoulli(0.4) ? 1 : 0;
    (ds.labels[0] as Float32Array)[row] = click;
    (ds.labels[1] as Float32Array)[row] = click === 1 && rng.bernoulli(0.5) ? 1 : 0;
    ds.timestamps![row] = row;
    ds.extras!['oracle/click']![row] = row / 10;
  }
  sampleMasksFor(schema, ds.labels, ds.sampleMasks);
  return ds;
}
