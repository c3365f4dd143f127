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
  it('merges 10-step windows into one entry per 50 steps, weighted by steps, closing at the epoch end', () => {
    expect(STEP_LOSS_EVERY).toBe(50);
    const recorder = new StepLossRecorder(['click', 'conversion']);
    // Epoch of 130 batches: windows end at 10, 20, ..., 130.
    for (let step = 10; step <= 130; step += 10) recorder.add(window(step, step, 130, [step / 100, 1]));
    const entries = recorder.take();
    expect(entries.map((entry) => entry.step)).toEqual([50, 100, 130]);
    expect(entries[0]!.lossPerTask.click).toBeCloseTo((0.1 + 0.2 + 0.3 + 0.4 + 0.5) / 5, 12);
    expect(entries[2]!.lossPerTask.click).toBeCloseTo((1.1 + 1.2 + 1.3) / 3, 12);
    expect(entries[2]!.loss).toBeCloseTo((2.1 + 2.2 + 2.3) / 3, 12);
    expect(recorder.take()).toEqual([]);
  });

  it('folds a short epoch-end remainder into the entry before it, and starts the next epoch where it ended', () => {
    const recorder = new StepLossRecorder(['click', 'conversion']);
    // Epoch of 64 batches: an entry at 50, then 10 steps (to 60) and 4 steps (to 64): 14 < 25 steps.
    for (let step = 10; step <= 60; step += 10) recorder.add(window(step, step, 64, [step / 100, 1]));
    recorder.add(window(64, 64, 64, [2, 3]));
    const entries = recorder.take();
    expect(entries.map((entry) => entry.step)).toEqual([64]);
    expect(entries[0]!.lossPerTask.click).toBeCloseTo(
      ((0.1 + 0.2 + 0.3 + 0.4 + 0.5 + 0.6) * 10 + 2 * 4) / 64,
      12,
    );
    expect(entries[0]!.lossPerTask.conversion).toBeCloseTo((60 + 3 * 4) / 64, 12);
    // The next epoch's first window counts from step 64; an epoch cut short (early stop, Ctrl-C)
    // closes its open entry.
    recorder.add(window(70, 6, 64, [1, 1]));
    recorder.add(window(80, 16, 64, [3, 3]));
    expect(recorder.take()).toEqual([
      {
        step: 80,
        loss: (2 * 6 + 6 * 10) / 16,
        lossPerTask: { click: (6 + 30) / 16, conversion: (6 + 30) / 16 },
      },
    ]);
  });
});
