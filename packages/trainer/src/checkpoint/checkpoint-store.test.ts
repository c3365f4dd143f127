import { MemoryStorage } from '@dtrn/core';
import { describe, expect, it } from 'vitest';
import { checkpointName, readLatestCheckpoint, writeCheckpoint } from './checkpoint-store.js';

const contents = (step: number) => ({
  step,
  epoch: 1,
  batchIndex: 2,
  trainer: { note: `at ${step}` },
  model: {
    dense: { w: { shape: [2], values: new Float32Array([step, -step]) } },
    sparse: { rows: new Int32Array([1, 2, 3]), meta: { step } },
  },
  bestModel: null,
  optimizer: {
    step,
    firstMoments: [new Float32Array(2)],
    secondMoments: [new Float32Array(2)],
    shapes: [[2]],
  },
});

describe('checkpoint store', () => {
  it('writes a directory per checkpoint, points latest at it and keeps the newest `keep`', async () => {
    const storage = new MemoryStorage();
    expect(await readLatestCheckpoint(storage, 'ckpt')).toBeNull();
    for (const step of [5, 10, 15]) await writeCheckpoint(storage, 'ckpt', contents(step), 2);
    expect(await storage.list('ckpt')).toEqual(['latest.json', checkpointName(10), checkpointName(15)]);
    expect(await storage.list(`ckpt/${checkpointName(15)}`)).toEqual([
      'manifest.json',
      'model.bin',
      'model.json',
      'optimizer.bin',
      'optimizer.json',
      'trainer.json',
    ]);
    const latest = await readLatestCheckpoint(storage, 'ckpt');
    expect(latest).toEqual(contents(15));
    expect(latest!.model.dense.w!.values).toBeInstanceOf(Float32Array);
  });

  it('rejects an unknown format version and a broken pointer', async () => {
    const storage = new MemoryStorage();
    await writeCheckpoint(storage, 'ckpt', contents(1));
    const manifestPath = `ckpt/${checkpointName(1)}/manifest.json`;
    const manifest = JSON.parse(await storage.readText(manifestPath));
    await storage.writeFile(manifestPath, JSON.stringify({ ...manifest, formatVersion: 99 }));
    await expect(readLatestCheckpoint(storage, 'ckpt')).rejects.toThrow('unsupported checkpoint format');
    await storage.writeFile('ckpt/latest.json', '{"checkpoint": 3}');
    await expect(readLatestCheckpoint(storage, 'ckpt')).rejects.toThrow(
      'checkpoint pointer names no checkpoint',
    );
  });
});
