/** metrics.jsonl `stepLosses`: the trainer's progress windows merged into 50-step entries. */
import type { ProgressEvent } from '@dtrn/trainer';
import { describe, expect, it } from 'vitest';
import { STEP_LOSS_EVERY, StepLossRecorder } from '../src/compare/step-losses.js';

/** A progress window ending at global `step`, `batchIndex` batches into an epoch of `batches`. */
function window(step: number, batchIndex: number, batches: number, losses: [number, number]): ProgressEvent {
  return {
    epoch: 0,
    epochs: 2,
    step,
    totalSteps: 2 * batches,
    batchIndex,
    batchesPerEpoch: batches,
    lossPerTask: losses,
    loss: losses[0] + losses[1],
    taskWeights: [1, 1],
    samplesPerSecond: 100,
    etaSeconds: 1,
    elapsedSeconds: 1,
  };
}

describe('StepLossRecorder', () => {
  it('merges 10-step windows into one entry per 50 steps, weighted by steps, and closes at the epoch end', () => {
    expect(STEP_LOSS_EVERY).toBe(50);
    const recorder = new StepLossRecorder(['click', 'conversion']);
    // Epoch of 64 batches: windows end at 10, 20, ..., 60 and at 64 (4 steps).
    for (let step = 10; step <= 60; step += 10) recorder.add(window(step, step, 64, [step / 100, 1]));
    recorder.add(window(64, 64, 64, [2, 3]));
    const entries = recorder.take();
    expect(entries.map((entry) => entry.step)).toEqual([50, 64]);
    expect(entries[0]!.lossPerTask.click).toBeCloseTo((0.1 + 0.2 + 0.3 + 0.4 + 0.5) / 5, 12);
    // 60: 10 steps of 0.6; 64: 4 steps of 2.
    expect(entries[1]!.lossPerTask.click).toBeCloseTo((0.6 * 10 + 2 * 4) / 14, 12);
    expect(entries[1]!.lossPerTask.conversion).toBeCloseTo((1 * 10 + 3 * 4) / 14, 12);
    expect(entries[1]!.loss).toBeCloseTo((1.6 * 10 + 5 * 4) / 14, 12);
    // The next epoch starts where this one ended (step 64), not at 0.
    recorder.add(window(70, 6, 64, [1, 1]));
    recorder.add(window(80, 16, 64, [3, 3]));
    const next = recorder.take(); // an epoch cut short (early stop or Ctrl-C): the open entry is closed
    expect(next).toEqual([
      {
        step: 80,
        loss: (2 * 6 + 6 * 10) / 16,
        lossPerTask: { click: (6 + 30) / 16, conversion: (6 + 30) / 16 },
      },
    ]);
    expect(recorder.take()).toEqual([]);
  });
});
