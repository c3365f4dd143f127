/** Each loader's splits go straight into `writeShards` (raw loader schemas) and read back unchanged. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InMemoryDataset, listColumns, validateSchema } from '@dtrn/data';
import { readShards, writeShards } from '@dtrn/data/node';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAliCcp } from '../../src/loaders/ali-ccp/load-ali-ccp.js';
import { loadAliExpress } from '../../src/loaders/aliexpress/load-aliexpress.js';
import { loadOtto } from '../../src/loaders/otto/load-otto.js';
import { fixture } from './helpers.js';

const directories: string[] = [];
afterAll(async () => {
  for (const dir of directories) await rm(dir, { recursive: true, force: true });
});

const columnsOf = (ds: InMemoryDataset) =>
  listColumns(ds).map((ref) => [ref.path, Array.from(ref.column)] as const);

async function roundTrip(datasets: Record<'train' | 'validation' | 'test', InMemoryDataset>) {
  const root = await mkdtemp(join(tmpdir(), 'dtrn-loader-shards-'));
  directories.push(root);
  for (const split of ['train', 'validation', 'test'] as const) {
    const original = datasets[split];
    const manifest = await writeShards(original, join(root, split), { rowsPerShard: 4 });
    expect(manifest.schema).toEqual(validateSchema(original.schema));
    const read = await readShards(join(root, split));
    expect(read.size).toBe(original.size);
    expect(columnsOf(read)).toEqual(columnsOf(original));
    expect(read.groups === undefined).toBe(original.groups === undefined);
  }
}

describe('loaders -> writeShards -> readShards', () => {
  it('OTTO (groups by session come back from the group field)', async () => {
    const { datasets } = await loadOtto(fixture('otto/otto_sample_train.jsonl'), { seed: 1 });
    expect(datasets.train.groups).toBeDefined();
    await roundTrip(datasets);
  });

  it('Ali-CCP', async () => {
    const { datasets } = await loadAliCcp(
      {
        trainSkeleton: fixture('ali-ccp/sample_skeleton_train.csv'),
        trainCommonFeatures: fixture('ali-ccp/common_features_train.csv'),
        testSkeleton: fixture('ali-ccp/sample_skeleton_test.csv'),
        testCommonFeatures: fixture('ali-ccp/common_features_test.csv'),
      },
      { minFrequency: 1, bagLength: 3 },
    );
    await roundTrip(datasets);
  });

  it('AliExpress', async () => {
    const { datasets } = await loadAliExpress({
      train: fixture('aliexpress/train.csv'),
      test: fixture('aliexpress/test.csv'),
    });
    await roundTrip(datasets);
  });
});
