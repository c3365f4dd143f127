import { isDataError } from '@dtrn/base';
import { MemoryStorage } from '@dtrn/core';
import { xxhash32 } from '@dtrn/data';
import { describe, expect, it } from 'vitest';
import {
  checkpointName,
  readLatestCheckpoint,
  removeCheckpointOrphans,
  writeCheckpoint,
} from './checkpoint-store.js';

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
    await storage.writeFile(manifestPath, JSON.stringify({ ...manifest, formatVersion: 1 }));
    await expect(readLatestCheckpoint(storage, 'ckpt')).rejects.toThrow(
      'checkpoint format version 1 has no checksums and cannot be verified',
    );
    await storage.writeFile('ckpt/latest.json', '{"formatVersion": 2, "checkpoint": 3}');
    await expect(readLatestCheckpoint(storage, 'ckpt')).rejects.toThrow(
      'checkpoint pointer names no checkpoint',
    );
    // The pointer names a checkpoint directory, nothing else (no "step-../../elsewhere").
    await storage.writeFile('ckpt/latest.json', '{"formatVersion": 2, "checkpoint": "step-../../x"}');
    await expect(readLatestCheckpoint(storage, 'ckpt')).rejects.toThrow(
      'checkpoint pointer names no checkpoint',
    );
    await storage.writeFile(
      'ckpt/latest.json',
      '{"formatVersion": 2, "checkpoint": "step-0000000001", "x": 1}',
    );
    await expect(readLatestCheckpoint(storage, 'ckpt')).rejects.toThrow('ckpt/latest.json: unknown key "x"');
  });
});

/** Rewrites one file of the latest checkpoint; with `rehash`, also its checksum in the manifest. */
async function tamper(storage: MemoryStorage, step: number, file: string, data: Uint8Array, rehash: boolean) {
  const folder = `ckpt/${checkpointName(step)}`;
  await storage.writeFile(`${folder}/${file}`, data);
  if (!rehash) return;
  const manifest = JSON.parse(await storage.readText(`${folder}/manifest.json`));
  const entry = manifest.files.find((f: { name: string }) => f.name === file);
  entry.byteLength = data.length;
  entry.checksum = xxhash32(data).toString(16).padStart(8, '0');
  await storage.writeFile(`${folder}/manifest.json`, JSON.stringify(manifest));
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(isDataError(error), String(error)).toBe(true);
    return error as Error;
  }
  throw new Error('expected a DataError');
}

describe('checkpoint verification', () => {
  it('one flipped byte in any file is a DataError naming the file', async () => {
    for (const file of ['model.bin', 'model.json', 'optimizer.bin', 'trainer.json']) {
      const storage = new MemoryStorage();
      await writeCheckpoint(storage, 'ckpt', contents(3));
      const bytes = await storage.readFile(`ckpt/${checkpointName(3)}/${file}`);
      const flipped = bytes.slice();
      flipped[Math.floor(bytes.length / 2)]! ^= 0x01;
      await tamper(storage, 3, file, flipped, false);
      const error = await rejection(readLatestCheckpoint(storage, 'ckpt'));
      expect(error.message).toMatch(
        new RegExp(`^ckpt/step-0000000003/${file.replace('.', '\\.')}: checksum mismatch`),
      );
    }
  });

  it('sizes are checked against the manifest before reading, and the total against maxBytes', async () => {
    const storage = new MemoryStorage();
    await writeCheckpoint(storage, 'ckpt', contents(3));
    const folder = `ckpt/${checkpointName(3)}`;
    const bytes = await storage.readFile(`${folder}/model.bin`);
    await storage.writeFile(`${folder}/model.bin`, new Uint8Array(bytes.length + 8));
    expect((await rejection(readLatestCheckpoint(storage, 'ckpt'))).message).toContain(
      `${folder}/model.bin: the file is longer than declared`,
    );
    await storage.writeFile(`${folder}/model.bin`, bytes);
    expect((await rejection(readLatestCheckpoint(storage, 'ckpt', { maxBytes: 64 }))).message).toContain(
      `${folder}/manifest.json: the checkpoint is larger than allowed (expected at most 64 bytes (maxBytes)`,
    );
  });

  it('the manifest refuses unknown keys, unknown files and missing files', async () => {
    const storage = new MemoryStorage();
    await writeCheckpoint(storage, 'ckpt', contents(3));
    const path = `ckpt/${checkpointName(3)}/manifest.json`;
    const original = JSON.parse(await storage.readText(path));
    const edit = async (
      change: (m: { files: Record<string, unknown>[] } & Record<string, unknown>) => void,
    ) => {
      const copy = structuredClone(original);
      change(copy);
      await storage.writeFile(path, JSON.stringify(copy));
      return (await rejection(readLatestCheckpoint(storage, 'ckpt'))).message;
    };
    expect(await edit((m) => (m.extra = 1))).toContain(`${path}: unknown key "extra"`);
    expect(await edit((m) => (m.files[0]!.name = '../../etc/passwd'))).toContain('files[0] is invalid');
    expect(await edit((m) => (m.files[0]!.mode = 'x'))).toContain('files[0] is invalid');
    expect(await edit((m) => (m.files = m.files.filter((f) => f.name !== 'trainer.json')))).toContain(
      'the manifest does not list trainer.json',
    );
    await storage.writeFile(path, '');
    expect((await rejection(readLatestCheckpoint(storage, 'ckpt'))).message).toBe(
      `${path}: the file is empty (expected a JSON value)`,
    );
  });

  it('decodes tampered state manifests (checksums re-computed) to DataErrors, never through the prototype', async () => {
    const cases: [string, RegExp][] = [
      ['{"w": {"$array": "toString", "offset": 0, "length": 1}}', /unknown array dtype.*found "toString"/],
      [
        '{"w": {"$array": "constructor", "offset": 0, "length": 1}}',
        /unknown array dtype.*found "constructor"/,
      ],
      ['{"w": {"$array": "__proto__", "offset": 0, "length": 1}}', /unknown array dtype.*found "__proto__"/],
      ['{"__proto__": {"dense": 1}}', /the key "__proto__" is not allowed/],
      ['{"w": {"$number": "constructor"}}', /invalid \$number.*found "constructor"/],
      ['{"w": {"$array": "float32", "offset": 0, "length": 1, "extra": 1}}', /malformed reference/],
      ['{"$evil": 1}', /the key "\$evil" is not allowed/],
    ];
    for (const [json, pattern] of cases) {
      const storage = new MemoryStorage();
      await writeCheckpoint(storage, 'ckpt', contents(3));
      await tamper(storage, 3, 'model.json', new TextEncoder().encode(json), true);
      const error = await rejection(readLatestCheckpoint(storage, 'ckpt'));
      expect(error.message).toMatch(pattern);
    }
    expect(({} as Record<string, unknown>).dense).toBeUndefined();
  });

  it('removes what interrupted writes left behind on the next write', async () => {
    const storage = new MemoryStorage();
    await writeCheckpoint(storage, 'ckpt', contents(3));
    await storage.writeFile('ckpt/.tmp-step-0000000004-abc123/model.bin', new Uint8Array(8));
    await storage.writeFile('ckpt/latest.json.tmp-9f8e7d', '{');
    await storage.writeFile('ckpt/notes.txt', 'kept: not ours');
    expect(await storage.list('ckpt')).toContain('.tmp-step-0000000004-abc123');
    await writeCheckpoint(storage, 'ckpt', contents(6));
    expect(await storage.list('ckpt')).toEqual(['latest.json', 'notes.txt', checkpointName(6)]);
    await storage.writeFile('ckpt/.tmp-step-0000000007-zz/model.bin', new Uint8Array(8));
    expect(await removeCheckpointOrphans(storage, 'ckpt')).toEqual(['.tmp-step-0000000007-zz']);
  });
});
