import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fit } from './fit.js';
import { fileCheckpoints } from './node.js';
import { stateValues, tinySetup } from './testing/setup.js';

describe('fileCheckpoints (Node)', () => {
  it('checkpoints to disk and resumes from it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'dtrn-trainer-'));
    try {
      const directory = join(root, 'run', 'checkpoints');
      const options = { epochs: 2, batchSize: 16, earlyStopping: false as const };
      const { model, train } = tinySetup();
      await fit(model, train, null, {
        ...options,
        checkpoint: fileCheckpoints(directory, { everySteps: 4 }),
        maxSteps: 7,
      });
      expect((await readdir(directory)).sort()).toEqual(['latest.json', 'step-0000000007']);
      const reference = tinySetup();
      await fit(reference.model, reference.train, null, options);
      const resumed = await fit(model, train, null, {
        ...options,
        checkpoint: fileCheckpoints(directory),
        resume: true,
      });
      expect(resumed.resumedFromStep).toBe(7);
      expect(stateValues(model.getState())).toEqual(stateValues(reference.model.getState()));
      model.dispose();
      reference.model.dispose();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('refuses a checkpoint file that is a link to /dev/zero or out of the directory, before reading it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'dtrn-trainer-links-'));
    try {
      const directory = join(root, 'checkpoints');
      const options = { epochs: 2, batchSize: 16, earlyStopping: false as const };
      const { model, train } = tinySetup();
      await fit(model, train, null, { ...options, checkpoint: fileCheckpoints(directory), maxSteps: 3 });
      const modelBin = join(directory, 'step-0000000003', 'model.bin');
      for (const target of ['/dev/zero', '/etc/passwd']) {
        await rm(modelBin);
        await symlink(target, modelBin);
        const started = performance.now();
        await expect(
          fit(model, train, null, { ...options, checkpoint: fileCheckpoints(directory), resume: true }),
        ).rejects.toThrow(`${modelBin}: the file is a symbolic link to a place outside its directory`);
        expect(performance.now() - started).toBeLessThan(5000);
      }
      model.dispose();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
