// The worker threads run the BUILT worker script (dist/parallel-worker.js): Node cannot start a
// worker from TypeScript source, so these tests import fitParallel from dist too (build first).
import { MemoryStorage } from '@dtrn/core';
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import { createModel } from '@dtrn/model';
import { describe, expect, it } from 'vitest';
import { fitParallel, type ParallelFitOptions, type ParallelStepTiming } from '../../dist/node.js';
import { datasetBatches } from '../batching.js';
import { fit } from '../fit.js';
import type { FitOptions } from '../fit-options.js';
import {
  MODEL_ARGS,
  MODEL_SPEC,
  maxRelativeDifference,
  modelStateValues,
  parallelDataset,
  SCHEMA,
} from '../testing/parallel.js';

const backend = (process.env.DTRN_TEST_BACKEND ?? 'wasm') as 'wasm' | 'cpu';
const train = parallelDataset(40, 1); // batches of 16, 16 and 8 rows
const validation = parallelDataset(32, 2);
const base = {
  epochs: 2,
  batchSize: 16,
  seed: 3,
  optimizer: { learningRate: 0.02 },
  earlyStopping: { monitor: 'meanAuc', patience: 5 },
} satisfies FitOptions;

async function oneThread(options: FitOptions = base) {
  const model = createModel(SCHEMA, MODEL_ARGS as never);
  try {
    const result = await fit(model, train, validation, options);
    return { result, values: modelStateValues(model.getState()) };
  } finally {
    model.dispose();
  }
}

/** Every number of a state (typed arrays and numbers, object keys sorted), excluding step counts. */
function allNumbers(value: unknown): number[] {
  if (ArrayBuffer.isView(value)) return Array.from(value as Float32Array);
  if (Array.isArray(value)) return value.flatMap(allNumbers);
  if (value && typeof value === 'object') {
    return Object.keys(value)
      .filter((key) => key !== 'metadata')
      .sort()
      .flatMap((key) => allNumbers((value as Record<string, unknown>)[key]));
  }
  return [];
}

function parallel(workers: number, options: ParallelFitOptions = base) {
  return fitParallel(MODEL_SPEC, train, validation, { ...options, workers, backend });
}

describe('fitParallel', () => {
  it('one worker reproduces fit bit for bit; two workers up to float summation order', async () => {
    const reference = await oneThread();
    const single = await expectNoLeakedTensors(() => parallel(1), { label: 'fitParallel (coordinator)' });
    expect(single.sharedEmbeddings).toBe(true); // the default for @dtrn/model models
    expect(modelStateValues(single.modelState)).toEqual(reference.values);
    expect(single.history.map((epoch) => epoch.validation)).toEqual(
      reference.result.history.map((epoch) => epoch.validation),
    );
    expect(single.bestEpoch).toBe(reference.result.bestEpoch);
    expect(single.restoredBestWeights).toBe(true);

    const timings: ParallelStepTiming[] = [];
    const two = await parallel(2, { ...base, onStepTiming: (timing) => timings.push(timing) });
    expect(two.workers).toBe(2);
    expect(timings).toHaveLength(6); // one per step
    for (const timing of timings) {
      expect(timing.compute).toHaveLength(2);
      expect(timing.apply).toHaveLength(2);
      const phases = [...timing.compute, ...timing.apply];
      expect(phases.every((phase) => phase.wallMs >= 0 && phase.wallMs <= timing.wallMs)).toBe(true);
      if (process.platform === 'linux') expect(phases.every((phase) => phase.cpuMs! >= 0)).toBe(true);
    }
    expect(two.sharedEmbeddings).toBe(true);
    expect(two.steps).toBe(6);
    expect(maxRelativeDifference(modelStateValues(two.modelState), reference.values)).toBeLessThan(1e-4);
    two.history.forEach((epoch, index) => {
      const expected = reference.result.history[index]!;
      epoch.trainLossPerTask.forEach((loss, task) => {
        expect(loss).toBeCloseTo(expected.trainLossPerTask[task]!, 5);
      });
      expect(epoch.validation!.tasks[0]!.logloss!).toBeCloseTo(expected.validation!.tasks[0]!.logloss!, 5);
    });
    // No tensor leaks inside the workers either: the count after the last step is the first step's.
    expect(two.workerTensors!.last).toEqual(two.workerTensors!.first);
  });

  it.each(['esmm', 'aitm'])(
    '%s: entire-space losses and auxiliary terms split over workers as in fit',
    async (head) => {
      const args = { ...MODEL_ARGS, head, headArgs: { towerUnits: [8, 4] } };
      const model = createModel(SCHEMA, args as never);
      const reference = await fit(model, train, validation, base);
      const values = modelStateValues(model.getState());
      model.dispose();
      const spec = { ...MODEL_SPEC, args: [SCHEMA, args] };
      const single = await fitParallel(spec, train, validation, { ...base, workers: 1, backend });
      expect(modelStateValues(single.modelState)).toEqual(values);
      // Two workers: the conversion loss counts every row of the batch (entire space) and each
      // worker's calibrator mean is weighted by its share of the rows.
      const two = await fitParallel(spec, train, validation, { ...base, workers: 2, backend });
      expect(maxRelativeDifference(modelStateValues(two.modelState), values)).toBeLessThan(1e-4);
      two.history.forEach((epoch, index) => {
        epoch.trainLossPerTask.forEach((loss, task) => {
          expect(loss).toBeCloseTo(reference.history[index]!.trainLossPerTask[task]!, 5);
        });
      });
    },
  );

  it('checkpoints in fit format: a parallel run stopped by maxSteps resumes in one-thread fit', async () => {
    const options = { ...base, earlyStopping: false as const };
    const reference = await oneThread(options);
    const storage = new MemoryStorage();
    const checkpoint = { storage, directory: 'runs/parallel' };
    const stopped = await parallel(2, { ...options, checkpoint, maxSteps: 4 });
    expect(stopped.stoppedReason).toBe('maxSteps');
    expect(stopped.lastCheckpoint).toBe('step-0000000004');
    const model = createModel(SCHEMA, MODEL_ARGS as never);
    try {
      const resumed = await fit(model, train, validation, { ...options, checkpoint, resume: true });
      expect(resumed.resumedFromStep).toBe(4);
      expect(resumed.steps).toBe(6);
      expect(maxRelativeDifference(modelStateValues(model.getState()), reference.values)).toBeLessThan(1e-4);
    } finally {
      model.dispose();
    }
  });

  it('replicated embeddings (sharedEmbeddings: false): the same guarantees', async () => {
    const reference = await oneThread();
    const replicated = { ...base, sharedEmbeddings: false };
    const single = await parallel(1, replicated);
    expect(single.sharedEmbeddings).toBe(false);
    expect(modelStateValues(single.modelState)).toEqual(reference.values);
    const two = await parallel(2, replicated);
    expect(two.sharedEmbeddings).toBe(false);
    expect(maxRelativeDifference(modelStateValues(two.modelState), reference.values)).toBeLessThan(1e-4);
    expect(two.workerTensors!.last).toEqual(two.workerTensors!.first);
  });

  it('resumes across modes: replicated run stopped by maxSteps, resumed with shared embeddings', async () => {
    const options = { ...base, earlyStopping: false as const };
    const reference = await oneThread(options);
    const checkpoint = { storage: new MemoryStorage(), directory: 'runs/modes' };
    const stopped = await parallel(2, { ...options, checkpoint, maxSteps: 3, sharedEmbeddings: false });
    expect(stopped.stoppedReason).toBe('maxSteps');
    const resumed = await parallel(2, { ...options, checkpoint, resume: true, sharedEmbeddings: true });
    expect(resumed.sharedEmbeddings).toBe(true);
    expect(resumed.resumedFromStep).toBe(3);
    expect(resumed.steps).toBe(6);
    expect(maxRelativeDifference(modelStateValues(resumed.modelState), reference.values)).toBeLessThan(1e-4);
  });

  it('models without the data-parallel hooks: replicated by default, a ConfigError when shared is required', async () => {
    const spec = {
      module: new URL('./model-without-hooks.fixture.mjs', import.meta.url).href,
      exportName: 'createModelWithoutHooks',
      args: MODEL_SPEC.args,
    };
    const options = { ...base, earlyStopping: false as const, maxSteps: 2, workers: 2, backend };
    const auto = await fitParallel(spec, train, null, options);
    expect(auto.sharedEmbeddings).toBe(false);
    expect(auto.steps).toBe(2);
    await expect(fitParallel(spec, train, null, { ...options, sharedEmbeddings: true })).rejects.toThrow(
      /sharedEmbeddings: true is impossible here.*the model lacks shareEmbeddings, useSharedEmbeddings, applyRowUpdates/,
    );
    await expect(parallel(2, { ...base, sharedEmbeddings: 'yes' } as never)).rejects.toThrow(
      'ParallelFitOptions.sharedEmbeddings must be a boolean',
    );
  });

  it('single-task models (one bank per task) share every task bank', async () => {
    const args = { ...MODEL_ARGS, singleTask: true };
    const options = { ...base, earlyStopping: false as const, epochs: 1 };
    const model = createModel(SCHEMA, args as never);
    let expected: number[];
    try {
      await fit(model, train, null, options);
      expected = allNumbers(model.getState());
    } finally {
      model.dispose();
    }
    const spec = { ...MODEL_SPEC, args: [SCHEMA, args] };
    const two = await fitParallel(spec, train, null, { ...options, workers: 2, backend });
    expect(two.sharedEmbeddings).toBe(true);
    expect(maxRelativeDifference(allNumbers(two.modelState), expected)).toBeLessThan(1e-4);
  });

  it('rejects options it cannot honour before starting any worker', async () => {
    await expect(parallel(2, { ...base, worker: 2 } as never)).rejects.toThrow(
      'ParallelFitOptions: unknown key "worker"; did you mean "workers"?',
    );
    await expect(parallel(2, { ...base, balancing: 'gradnorm' } as never)).rejects.toThrow(
      'ParallelFitOptions.balancing: only loss-linear balancing runs on workers',
    );
    await expect(parallel(0)).rejects.toThrow('ParallelFitOptions.workers');
    await expect(parallel(2, { ...base, onStepTiming: 3 } as never)).rejects.toThrow(
      'ParallelFitOptions.onStepTiming must be a function',
    );
    await expect(fitParallel({ ...MODEL_SPEC, modul: 'x' } as never, train, null, {})).rejects.toThrow(
      'fitParallel: spec: unknown key "modul"; did you mean "module"?',
    );
  });

  it('stops on a non-finite task loss before any update, like fit', async () => {
    const broken = parallelDataset(32, 6);
    broken.labels[1]![20] = Number.NaN; // a NaN label in the sample space: conversion loss is NaN at step 2
    broken.sampleMasks[1]![20] = 1;
    const options = { ...base, shuffle: false, earlyStopping: false, workers: 2, backend } as const;
    // A dataset is checked before any worker takes a step (the row is named) ...
    await expect(fitParallel(MODEL_SPEC, broken, null, options)).rejects.toThrow(
      /^fitParallel trainData: field label\/conversion, index 20: label outside \{0, 1\}/,
    );
    // ... a batch source is not: the step stops on the NaN loss, as in fit.
    const source = datasetBatches(broken, { batchSize: base.batchSize, shuffle: false });
    await expect(fitParallel(MODEL_SPEC, source, null, options)).rejects.toThrow(
      /loss of task "conversion" is NaN at step 2 \(epoch 1, batch 2\)/,
    );
  });

  it('reports a model the workers cannot build, naming the worker and the valid exports', async () => {
    const run = fitParallel({ ...MODEL_SPEC, exportName: 'createModle' }, train, null, {
      ...base,
      earlyStopping: false,
      workers: 1,
      backend,
    });
    await expect(run).rejects.toThrow(
      /worker 0: ModelSpec.exportName "createModle" is not a function.*"createModel"/,
    );
  });
});
