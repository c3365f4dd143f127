/** The Node entry point: saveModel / loadModel through FileStorage on a real directory. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sliceRows } from '@dtrn/data';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { loadModel } from './load-model.js';
import { FileStorage } from './node.js';
import { saveModel } from './save-model.js';
import { MODEL_LIBRARY_VERSION } from './saved-model-format.js';
import { expectSamePredictions, tinyData, tinyModel } from './test-support/tiny.js';

describe('node entry', () => {
  it('saves to and loads from a directory, replacing an older save', async () => {
    const root = await mkdtemp(join(tmpdir(), 'dtrn-model-'));
    try {
      const data = tinyData(2, 200);
      const batch = sliceRows(data, 0, 8);
      const storage = new FileStorage(root);
      const first = tinyModel('ple', data);
      await saveModel(first, storage, 'saved/model');
      const second = tinyModel('ple', data, { seed: 5 });
      await saveModel(second, storage, 'saved/model');
      expect((await readdir(join(root, 'saved'))).sort()).toEqual(['model']);
      const loaded = await loadModel(storage, 'saved/model');
      const expected = second.predict(batch);
      expectSamePredictions(loaded.model.predict(batch), expected);
      first.dispose();
      second.dispose();
      loaded.model.dispose();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('writes the package version into manifests', () => {
    expect(MODEL_LIBRARY_VERSION).toBe(packageJson.version);
  });
});
