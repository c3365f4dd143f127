/** saveModel / loadModel: round trip, atomic publish, and refusal of malformed input. */
import { isDataError } from '@dtrn/base';
import { MemoryStorage } from '@dtrn/core';
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import { sliceRows } from '@dtrn/data';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadModel } from './load-model.js';
import type { RecommenderModel } from './recommender-model.js';
import { saveModel } from './save-model.js';
import { expectSamePredictions, tinyData, tinyModel, trainStep } from './testing/tiny.js';

/** The parsed manifest, edited freely by the corruption tests. */
interface ManifestJson {
  format: string;
  formatVersion: number;
  config: Record<string, unknown>;
  files: { name: string; byteLength: number }[];
  weights: { shape: number[]; byteOffset: number }[];
}

const data = tinyData(7, 200);
const batch = sliceRows(data, 0, 16);
const vocabularies = { item: ['a', 'b'], note: 'opaque' };

function trained(name: 'dtrn-ple' | 'single-task' | 'mmoe' | 'stem-ple'): RecommenderModel {
  const model = tinyModel(name, data);
  const optimizer = tf.train.adam(0.05);
  for (let step = 0; step < 2; step++)
    trainStep(model, sliceRows(data, step * 32, step * 32 + 32), optimizer, step);
  optimizer.dispose();
  return model;
}

async function expectDataError(promise: Promise<unknown>, pattern: RegExp, file: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(isDataError(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(pattern);
    expect((error as { where?: { file?: string } }).where?.file).toBe(file);
    return;
  }
  throw new Error('expected a DataError');
}

describe('save and load', () => {
  it.each(['dtrn-ple', 'single-task', 'stem-ple'] as const)(
    '%s: loads with identical predictions, config and vocabularies',
    async (name) => {
      const model = trained(name);
      const storage = new MemoryStorage();
      const manifest = await saveModel(model, storage, 'models/m', { vocabularies });
      expect(await storage.list('models')).toEqual(['m']);
      expect((await storage.list('models/m')).sort()).toEqual(
        [
          'dense.bin',
          'manifest.json',
          ...manifest.files.filter((f) => f.name !== 'dense.bin').map((f) => f.name),
        ].sort(),
      );
      const loaded = await loadModel(storage, 'models/m');
      expect(loaded.vocabularies).toEqual(vocabularies);
      expect(loaded.model.args).toEqual(model.args);
      expect(loaded.model.parameterCount()).toEqual(model.parameterCount());
      const expected = model.predict(batch);
      const actual = loaded.model.predict(batch);
      expectSamePredictions(actual, expected);
      model.dispose();
      loaded.model.dispose();
    },
  );

  it('writes the documented layout: offsets, lengths and little-endian float32 values', async () => {
    const model = tinyModel('mmoe', data);
    const storage = new MemoryStorage();
    const manifest = await saveModel(model, storage, 'm');
    const dense = await storage.readFile('m/dense.bin');
    const first = model.namedWeights()[0]!;
    const entry = manifest.weights.find((w) => w.name === `dense/${first.name}`)!;
    const view = new DataView(dense.buffer, dense.byteOffset + entry.byteOffset, entry.byteLength);
    const values = first.variable.dataSync();
    for (let i = 0; i < values.length; i++) expect(view.getFloat32(i * 4, true)).toBe(values[i]);
    const text = JSON.parse(await storage.readText('m/manifest.json'));
    expect(text).toMatchObject({
      format: 'dtrn.saved-model',
      formatVersion: 1,
      taskNames: ['click', 'conversion'],
    });
    model.dispose();
  });

  it('publishes atomically: a failed save leaves the previous one and no temporary directory', async () => {
    const model = tinyModel('mmoe', data);
    const storage = new MemoryStorage();
    await saveModel(model, storage, 'm');
    const before = await storage.readFile('m/dense.bin');
    const failing = Object.create(storage) as MemoryStorage;
    let writes = 0;
    failing.writeFile = async (path, bytes) => {
      if (++writes === 2) throw new Error('disk full');
      return storage.writeFile(path, bytes);
    };
    await expect(saveModel(model, failing, 'm')).rejects.toThrow('disk full');
    expect(await storage.list('')).toEqual(['m']);
    expect(await storage.readFile('m/dense.bin')).toEqual(before);
    model.dispose();
  });

  describe('refuses malformed input', () => {
    async function saved(): Promise<MemoryStorage> {
      const model = tinyModel('mmoe', data);
      const storage = new MemoryStorage();
      await saveModel(model, storage, 'm');
      model.dispose();
      return storage;
    }
    async function editManifest(storage: MemoryStorage, edit: (m: ManifestJson) => void) {
      const manifest = JSON.parse(await storage.readText('m/manifest.json'));
      edit(manifest);
      await storage.writeFile('m/manifest.json', JSON.stringify(manifest));
    }

    it('invalid JSON, other formats and versions', async () => {
      const storage = await saved();
      const manifest = await storage.readText('m/manifest.json');
      await storage.writeFile('m/manifest.json', manifest.slice(0, 100));
      await expectDataError(loadModel(storage, 'm'), /not valid JSON/, 'm/manifest.json');
      await storage.writeFile('m/manifest.json', manifest);
      await editManifest(storage, (m) => {
        m.formatVersion = 99;
      });
      await expectDataError(
        loadModel(storage, 'm'),
        /unsupported saved-model version.*expected formatVersion 1, found 99/,
        'm/manifest.json',
      );
      await editManifest(storage, (m) => {
        m.format = 'other';
      });
      await expectDataError(loadModel(storage, 'm'), /not a dtrn saved model/, 'm/manifest.json');
    });

    it('truncated, oversized and corrupted binaries', async () => {
      const storage = await saved();
      const dense = await storage.readFile('m/dense.bin');
      await storage.writeFile('m/dense.bin', dense.subarray(0, dense.length - 8));
      await expectDataError(loadModel(storage, 'm'), /truncated.*expected \d+ bytes/, 'm/dense.bin');
      const corrupted = dense.slice();
      corrupted[5]! ^= 0xff;
      await storage.writeFile('m/dense.bin', corrupted);
      await expectDataError(loadModel(storage, 'm'), /checksum mismatch for dense\//, 'm/dense.bin');
      await storage.writeFile('m/dense.bin', dense);
      await expectDataError(
        loadModel(storage, 'm', { maxBytes: 1000 }),
        /larger than allowed.*at most 1000/,
        'm/manifest.json',
      );
      await expectDataError(
        loadModel(storage, 'm', { maxManifestBytes: 100 }),
        /manifest is larger than allowed/,
        'm/manifest.json',
      );
      await storage.remove('m/embedding-0.bin');
      await expectDataError(loadModel(storage, 'm'), /file not found/, 'm/embedding-0.bin');
    });

    it('shapes, offsets and weights that do not fit the model', async () => {
      const storage = await saved();
      await editManifest(storage, (m) => {
        const weight = m.weights[0]!;
        weight.shape = [weight.shape[0]! + 1, ...weight.shape.slice(1)];
      });
      await expectDataError(
        loadModel(storage, 'm'),
        /byteLength does not match its shape/,
        'm/manifest.json',
      );
      const storage2 = await saved();
      await editManifest(storage2, (m) => {
        m.weights[1]!.byteOffset = m.files[0]!.byteLength;
      });
      await expectDataError(loadModel(storage2, 'm'), /lies outside dense.bin/, 'm/manifest.json');
      const storage3 = await saved();
      await editManifest(storage3, (m) => {
        m.config.embeddingDim = 12;
      });
      await expectDataError(
        loadModel(storage3, 'm'),
        /the manifest's weights do not match its config/,
        'm/manifest.json',
      );
      const storage4 = await saved();
      await editManifest(storage4, (m) => {
        m.config.bogus = 1;
      });
      await expectDataError(
        loadModel(storage4, 'm'),
        /does not build a model.*unknown key "bogus"/,
        'm/manifest.json',
      );
    });
    it('unknown keys, duplicate keys and "__proto__" keys, like the shard manifest', async () => {
      const storage = await saved();
      const original = await storage.readText('m/manifest.json');
      await editManifest(storage, (m) => {
        (m as unknown as Record<string, unknown>).extra = 1;
      });
      await expectDataError(loadModel(storage, 'm'), /manifest: unknown key "extra"/, 'm/manifest.json');
      await storage.writeFile('m/manifest.json', original);
      await editManifest(storage, (m) => {
        (m.files[0] as unknown as Record<string, unknown>).bytelength = 1;
      });
      await expectDataError(
        loadModel(storage, 'm'),
        /files\[0\]: unknown key "bytelength"; did you mean "byteLength"\?/,
        'm/manifest.json',
      );
      await storage.writeFile('m/manifest.json', original);
      await editManifest(storage, (m) => {
        (m.weights[0] as unknown as Record<string, unknown>).scale = 2;
      });
      await expectDataError(loadModel(storage, 'm'), /weights\[0\]: unknown key "scale"/, 'm/manifest.json');
      await storage.writeFile('m/manifest.json', original.replace('{', '{"formatVersion": 1,'));
      await expectDataError(loadModel(storage, 'm'), /duplicate key "formatVersion"/, 'm/manifest.json');
      await storage.writeFile(
        'm/manifest.json',
        original.replace('"config": {', '"config": {"__proto__": {},'),
      );
      await expectDataError(
        loadModel(storage, 'm'),
        /field config.__proto__: the key "__proto__" is not allowed/,
        'm/manifest.json',
      );
      // Inherited properties are not manifest fields: "toString" is not a format.
      await storage.writeFile('m/manifest.json', original.replace(/"format": "[^"]*",/, ''));
      await expectDataError(
        loadModel(storage, 'm'),
        /not a dtrn saved model.*found undefined/,
        'm/manifest.json',
      );
    });

    it('a config whose model exceeds maxBytes, before building it', async () => {
      const storage = await saved();
      const loaded = await loadModel(storage, 'm');
      loaded.model.dispose();
      const declared = loaded.manifest.weights.reduce((n, w) => n + w.byteLength, 0);
      await editManifest(storage, (m) => {
        (m.config.headArgs as Record<string, unknown>).expertUnits = [100000];
      });
      await expectDataError(
        loadModel(storage, 'm', { maxBytes: declared + 1000 }),
        new RegExp(
          `the config describes a model larger than allowed \\(expected at most ${declared + 1000} bytes of weights`,
        ),
        'm/manifest.json',
      );
      await expectDataError(
        loadModel(storage, 'm'),
        /the manifest's weights do not match its config/,
        'm/manifest.json',
      );
    });
  });

  it('leaks no tensors', async () => {
    const model = tinyModel('dtrn-ple-no-tim', data);
    const storage = new MemoryStorage();
    await expectNoLeakedTensors(async () => {
      await saveModel(model, storage, 'm');
      const loaded = await loadModel(storage, 'm');
      loaded.model.dispose();
      await expect(loadModel(storage, 'm', { maxBytes: 10 })).rejects.toThrow();
    });
    model.dispose();
  });
});
