/**
 * A checkpoint written by an earlier build still resumes. test/fixtures/checkpoint-v1 was written
 * (cpu backend) by the trainer before the epoch loop kept its progress in one object: the run of
 * fit-resume.test.ts ('uncertainty', dropout 0.2) stopped by `maxSteps: 9`, in the middle of epoch 1.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileStorage } from '@dtrn/core/node';
import { describe, expect, it } from 'vitest';
import { readLatestCheckpoint } from './checkpoint/checkpoint-store.js';
import { fit } from './fit.js';
import type { FitOptions } from './fit-options.js';
import { RESUME_RUN, stateValues, tinySetup } from './testing/setup.js';
import { TRAINER_STATE_KEYS, type TrainerState } from './trainer-state.js';

const FIXTURE = fileURLToPath(new URL('../test/fixtures/checkpoint-v1', import.meta.url));

const options: FitOptions = { ...RESUME_RUN, balancing: 'uncertainty' };

describe('checkpoints of earlier builds', () => {
  it('a version 1 checkpoint resumes where it stopped and ends as the uninterrupted run', async () => {
    const root = await mkdtemp(join(tmpdir(), 'dtrn-checkpoint-v1-'));
    try {
      await cp(FIXTURE, root, { recursive: true });
      const storage = new FileStorage(root);
      const saved = JSON.parse(
        await readFile(join(FIXTURE, 'run', 'step-0000000009', 'trainer.json'), 'utf8'),
      ) as TrainerState;
      expect(Object.keys(saved).sort()).toEqual([...TRAINER_STATE_KEYS].sort());
      expect([saved.epoch, saved.batchIndex, saved.globalStep, saved.epochSteps]).toEqual([1, 3, 9, 3]);

      const reference = tinySetup({ model: { dropoutRate: 0.2 } });
      const uninterrupted = await fit(reference.model, reference.train, reference.validation, options);
      const referenceValues = stateValues(reference.model.getState());
      reference.model.dispose();

      const fresh = tinySetup({ model: { dropoutRate: 0.2, seed: 123 } }); // other initial weights
      const resumed = await fit(fresh.model, fresh.train, fresh.validation, {
        ...options,
        checkpoint: { storage, directory: 'run', everySteps: 4, keep: 1 },
        resume: true,
      });
      expect(resumed.resumedFromStep).toBe(9);
      expect(resumed.stoppedReason).toBe('completed');
      expect(resumed.steps).toBe(18);
      expect(resumed.secondsBeforeResume).toBe(saved.elapsed.seconds);
      expect(resumed.history).toHaveLength(3);
      expect(resumed.history[0]).toEqual(saved.history[0]); // restored as saved
      // Epoch 1's mean loss adds the saved sums of its first 3 steps to the 3 steps after the resume.
      resumed.history.forEach((record, epoch) => {
        expect(record.steps).toBe(6);
        expect(record.trainLoss).toBeCloseTo(uninterrupted.history[epoch]!.trainLoss, 4);
        record.trainLossPerTask.forEach((loss, task) => {
          expect(loss).toBeCloseTo(uninterrupted.history[epoch]!.trainLossPerTask[task]!, 4);
        });
      });
      if (process.env.DTRN_TEST_BACKEND === 'cpu') {
        // the backend that wrote the fixture: bit-identical to the run that never stopped
        expect(resumed.history).toEqual(uninterrupted.history);
        expect(stateValues(fresh.model.getState())).toEqual(referenceValues);
      }
      fresh.model.dispose();

      const written = await readLatestCheckpoint<TrainerState>(storage, 'run');
      expect(Object.keys(written!.trainer).sort()).toEqual([...TRAINER_STATE_KEYS].sort());
      expect(written!.trainer.globalStep).toBe(18);
      expect(written!.trainer.history.slice(0, 1)).toEqual(saved.history.slice(0, 1));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
