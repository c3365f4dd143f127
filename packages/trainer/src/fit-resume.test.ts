import { MemoryStorage, type Storage } from '@dtrn/core';
import { describe, expect, it } from 'vitest';
import { latestCheckpointName, readLatestCheckpoint } from './checkpoint/checkpoint-store.js';
import { fit } from './fit.js';
import type { FitOptions } from './fit-options.js';
import { RESUME_RUN, stateValues, tinySetup } from './testing/setup.js';

const base: FitOptions = RESUME_RUN;

/** A run with dropout, uncertainty weighting (learned balancer state) and a mid-epoch stop. */
async function runUninterrupted(balancing: FitOptions['balancing']) {
  const { model, train, validation } = tinySetup({ model: { dropoutRate: 0.2 } });
  const result = await fit(model, train, validation, { ...base, balancing });
  const values = stateValues(model.getState());
  model.dispose();
  return { result, values };
}

describe('checkpoints and resume', () => {
  for (const balancing of ['uncertainty', 'gradnorm'] as const) {
    it(`a run stopped mid-epoch and resumed in a fresh model ends bit-identical (${balancing})`, async () => {
      const reference = await runUninterrupted(balancing);
      const storage = new MemoryStorage();
      const checkpoint = { storage, directory: 'runs/a', everySteps: 4 };
      const first = tinySetup({ model: { dropoutRate: 0.2 } });
      // 6 batches per epoch: stop in the middle of epoch 1, between two step checkpoints
      const stopped = await fit(first.model, first.train, first.validation, {
        ...base,
        balancing,
        checkpoint,
        maxSteps: 9,
      });
      expect(stopped.stoppedReason).toBe('maxSteps');
      expect(stopped.steps).toBe(9);
      expect(stopped.lastCheckpoint).toBe('step-0000000009');
      first.model.dispose();

      const second = tinySetup({ model: { dropoutRate: 0.2, seed: 123 } }); // different initial weights
      const resumed = await fit(second.model, second.train, second.validation, {
        ...base,
        balancing,
        checkpoint,
        resume: true,
      });
      expect(resumed.resumedFromStep).toBe(9);
      expect(resumed.stoppedReason).toBe('completed');
      expect(resumed.steps).toBe(18);
      expect(resumed.history).toEqual(reference.result.history);
      expect(resumed.bestEpoch).toBe(reference.result.bestEpoch);
      expect(resumed.taskWeights).toEqual(reference.result.taskWeights);
      expect(stateValues(second.model.getState())).toEqual(reference.values);
      second.model.dispose();
    });
  }

  it('stops on an AbortSignal after the current step, with a checkpoint to resume from', async () => {
    const storage = new MemoryStorage();
    const { model, train } = tinySetup();
    const controller = new AbortController();
    const result = await fit(model, train, null, {
      ...base,
      earlyStopping: false,
      checkpoint: { storage, directory: 'runs/b' },
      progressEverySteps: 1,
      onProgress: (event) => {
        if (event.step === 5) controller.abort();
      },
      signal: controller.signal,
    });
    expect(result.stoppedReason).toBe('aborted');
    expect(result.steps).toBe(5);
    const saved = await readLatestCheckpoint(storage, 'runs/b');
    expect(saved).toMatchObject({ step: 5, epoch: 0, batchIndex: 5 });
    expect(await storage.list('runs/b')).toEqual(['latest.json', 'step-0000000005']);
    model.dispose();
  });

  it('a crash while writing a checkpoint leaves the previous one intact and resumable', async () => {
    const memory = new MemoryStorage();
    let failOnWrite = -1;
    let writes = 0;
    const failing: Storage = Object.assign(Object.create(memory) as Storage, {
      writeFile: async (path: string, data: Uint8Array | string) => {
        writes += 1;
        if (writes === failOnWrite) throw new Error(`disk full while writing ${path}`);
        return memory.writeFile(path, data);
      },
    });
    const checkpoint = { storage: failing, directory: 'runs/c', everySteps: 2 };
    const { model, train } = tinySetup();
    await fit(model, train, null, { ...base, earlyStopping: false, checkpoint, maxSteps: 2 });
    const before = await readLatestCheckpoint(memory, 'runs/c');
    expect(before!.step).toBe(2);
    failOnWrite = writes + 3; // the 3rd file of the next checkpoint
    await expect(
      fit(model, train, null, { ...base, earlyStopping: false, checkpoint, resume: true }),
    ).rejects.toThrow('disk full while writing runs/c/.tmp-step-0000000004-');
    expect(await latestCheckpointName(memory, 'runs/c')).toBe('step-0000000002');
    const after = await readLatestCheckpoint(memory, 'runs/c');
    expect(stateValues(after!.model)).toEqual(stateValues(before!.model));
    expect(after!.optimizer).toEqual(before!.optimizer);
    expect((await memory.list('runs/c')).filter((name) => name.startsWith('.tmp'))).toEqual([]);
    failOnWrite = -1;
    const resumed = await fit(model, train, null, {
      ...base,
      earlyStopping: false,
      checkpoint,
      resume: true,
    });
    expect(resumed.resumedFromStep).toBe(2);
    expect(resumed.steps).toBe(18);
    model.dispose();
  });

  it('refuses to resume with a different setup, or with no checkpoint', async () => {
    const storage = new MemoryStorage();
    const { model, train } = tinySetup();
    const checkpoint = { storage, directory: 'runs/d' };
    await expect(
      fit(model, train, null, { ...base, earlyStopping: false, checkpoint, resume: true }),
    ).rejects.toThrow('resume: no checkpoint found');
    const fresh = await fit(model, train, null, {
      ...base,
      earlyStopping: false,
      checkpoint,
      resume: 'ifExists',
      maxSteps: 3,
    });
    expect(fresh.resumedFromStep).toBeNull();
    await expect(fit(model, train, null, { ...base, earlyStopping: false, checkpoint })).rejects.toThrow(
      'FitOptions.checkpoint.directory "runs/d" already holds a run\'s checkpoints',
    );
    await expect(
      fit(model, train, null, {
        ...base,
        earlyStopping: false,
        checkpoint,
        resume: true,
        seed: 8,
        batchSize: 32,
      }),
    ).rejects.toThrow(
      'the checkpoint was written by a different setup (expected the settings of the run that wrote the checkpoint, found "seed 7 vs 8; batches per epoch 6 vs 3 (batchSize or data changed)")',
    );
    model.dispose();
  });

  it('removes leftovers of a write a crash interrupted when it resumes', async () => {
    const storage = new MemoryStorage();
    const { model, train } = tinySetup();
    const checkpoint = { storage, directory: 'runs/e' };
    await fit(model, train, null, { ...base, earlyStopping: false, checkpoint, maxSteps: 3 });
    // What a kill -9 in the middle of the next checkpoint write leaves behind.
    await storage.writeFile('runs/e/.tmp-step-0000000004-k1ll3d/model.bin', new Uint8Array(64));
    await storage.writeFile('runs/e/latest.json.tmp-0a1b2c', '{"formatVer');
    let listedAtStart: string[] = [];
    await fit(model, train, null, {
      ...base,
      earlyStopping: false,
      checkpoint,
      resume: true,
      maxSteps: 4,
      progressEverySteps: 1,
      onProgress: async () => {
        if (listedAtStart.length === 0) listedAtStart = await storage.list('runs/e');
      },
    });
    // Gone on resume, before the first step (not only after the next checkpoint write).
    expect(listedAtStart).toEqual(['latest.json', 'step-0000000003']);
    expect(await storage.list('runs/e')).toEqual(['latest.json', 'step-0000000004']);
    model.dispose();
  });

  it("reports the whole run's time and throughput after a resume, not the last segment's", async () => {
    const storage = new MemoryStorage();
    const checkpoint = { storage, directory: 'runs/f' };
    const first = tinySetup();
    const stopped = await fit(first.model, first.train, null, {
      ...base,
      earlyStopping: false,
      checkpoint,
      maxSteps: 12,
    });
    expect(stopped.secondsBeforeResume).toBe(0);
    const atStop = (await readLatestCheckpoint<{ elapsed: { seconds: number; samples: number } }>(
      storage,
      'runs/f',
    ))!;
    expect(atStop.trainer.elapsed.samples).toBe(2 * first.train.size);
    const resumed = await fit(first.model, first.train, null, {
      ...base,
      earlyStopping: false,
      checkpoint,
      resume: true,
    });
    expect(resumed.secondsBeforeResume).toBe(atStop.trainer.elapsed.seconds);
    expect(resumed.secondsBeforeResume).toBeGreaterThan(0);
    expect(resumed.seconds).toBeGreaterThan(resumed.secondsBeforeResume);
    const atEnd = (await readLatestCheckpoint<{
      elapsed: { seconds: number; stepSeconds: number; samples: number };
    }>(storage, 'runs/f'))!;
    // Every sample of the 3 epochs counted once, across both segments.
    expect(atEnd.trainer.elapsed.samples).toBe(3 * first.train.size);
    expect(resumed.samplesPerSecond).toBeCloseTo(
      atEnd.trainer.elapsed.samples / atEnd.trainer.elapsed.stepSeconds,
      0,
    );
    first.model.dispose();
  });
});
