/** The Node entry point: saveModel / loadModel through FileStorage on a real directory. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDataError } from '@dtrn/base';
import { sliceRows } from '@dtrn/data';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { loadModel } from './load-model.js';
import { FileStorage } from './node.js';
import { saveModel } from './save-model.js';
import { MODEL_LIBRARY_VERSION } from './saved-model-format.js';
import { expectSamePredictions, tinyData, tinyModel } from './testing/tiny.js';

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

/** A fresh save of a tiny MMoE under a temporary root; returns the root and the model directory. */
async function savedTiny(): Promise<{ root: string; dir: string; storage: FileStorage }> {
  const root = await mkdtemp(join(tmpdir(), 'dtrn-model-links-'));
  const storage = new FileStorage(root);
  const model = tinyModel('mmoe', tinyData(2, 200));
  await saveModel(model, storage, 'm');
  model.dispose();
  return { root, dir: join(root, 'm'), storage };
}

async function loadError(storage: FileStorage): Promise<Error> {
  try {
    (await loadModel(storage, 'm')).model.dispose();
  } catch (error) {
    expect(isDataError(error), String(error)).toBe(true);
    return error as Error;
  }
  throw new Error('expected loadModel to fail');
}

describe('loadModel on tampered directories', () => {
  it('refuses dense.bin -> /dev/zero and -> /etc/passwd before reading them', async () => {
    const { root, dir, storage } = await savedTiny();
    try {
      await rm(join(dir, 'dense.bin'));
      await symlink('/dev/zero', join(dir, 'dense.bin'));
      const started = performance.now();
      const zero = await loadError(storage);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(zero.message).toContain(
        `${dir}/dense.bin: the file is a symbolic link to a place outside its directory`,
      );
      await rm(join(dir, 'dense.bin'));
      await symlink('/etc/passwd', join(dir, 'dense.bin'));
      const passwd = await loadError(storage);
      expect(passwd.message).toContain(`${dir}/dense.bin: the file is a symbolic link`);
      expect(passwd.message).not.toContain('root:');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('refuses manifest.json -> a file outside the directory without echoing it', async () => {
    const { root, dir, storage } = await savedTiny();
    const outside = await mkdtemp(join(tmpdir(), 'dtrn-outside-'));
    try {
      await writeFile(join(outside, 'hostname'), 'my-secret-hostname\n');
      await rm(join(dir, 'manifest.json'));
      await symlink(join(outside, 'hostname'), join(dir, 'manifest.json'));
      const error = await loadError(storage);
      expect(error.message).toContain(`${dir}/manifest.json: the file is a symbolic link`);
      expect(error.message).not.toContain('my-secret-hostname');
    } finally {
      await rm(root, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('bounds the model before building it: a small manifest asking for [3000000] expert units fails at once', async () => {
    const { root, dir } = await savedTiny();
    try {
      const manifestPath = join(dir, 'manifest.json');
      const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
      manifest.config.headArgs.expertUnits = [3000000];
      await writeFile(manifestPath, JSON.stringify(manifest));
      // Measured in a child process (its own peak RSS and wall time), on the built package.
      const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
      const script = `
        import '@tensorflow/tfjs-backend-cpu';
        import * as tf from '@tensorflow/tfjs-core';
        import { loadModel } from './dist/index.js';
        import { FileStorage } from './dist/node.js';
        await tf.setBackend('cpu');
        const before = process.memoryUsage().rss;
        const started = performance.now();
        let message = 'loaded';
        try { (await loadModel(new FileStorage(${JSON.stringify(root)}), 'm')).model.dispose(); }
        catch (error) { message = error.message; }
        const seconds = (performance.now() - started) / 1000;
        console.log(JSON.stringify({ seconds, before, peak: process.resourceUsage().maxRSS * 1024, message }));
      `;
      const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: packageDir,
        encoding: 'utf8',
        timeout: 60_000,
      });
      const result = JSON.parse(output.trim().split('\n').at(-1)!) as {
        seconds: number;
        before: number;
        peak: number;
        message: string;
      };
      expect(result.message).toContain("the manifest's weights do not match its config");
      expect(result.seconds).toBeLessThan(1);
      // Measured: 0.01 s, peak RSS 90.7 MiB of which 90.0 MiB before the call (Node and tfjs
      // imports); building the model first took 4.9 GB. The call itself must stay small.
      expect(result.peak - result.before).toBeLessThan(32 * 2 ** 20);
      expect(result.peak).toBeLessThan(150 * 2 ** 20);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
