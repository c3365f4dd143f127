import { expectNoLeakedTensors } from '@dtrn/core/testing';
import { describe, expect, it } from 'vitest';
import { resolvePlaygroundConfig } from '../config/playground-config.js';
import type { WorkerEvent } from '../protocol.js';
import { runComparison } from './run-comparison.js';

/** A small comparison whose test split still holds both classes of each task: 2,000 rows, sequences of 4, tiny models. */
const TINY = resolvePlaygroundConfig({
  setting: 'control',
  numSamples: 2000,
  sequenceLength: 4,
  models: ['shared-bottom', 'dtrn-ple'],
  modelScale: 'tiny',
  steps: 6,
  batchSize: 64,
  evaluateEverySteps: 3,
  learningRate: 0.01,
  seed: 2,
});

describe('runComparison', () => {
  it('trains every model, reports curves, a finite table, differences and inspections, leaking no tensor', async () => {
    const events: WorkerEvent[] = [];
    const result = await expectNoLeakedTensors(
      () => runComparison(TINY, { emit: (event) => events.push(event) }),
      {
        label: 'runComparison',
      },
    );
    expect(events.map((event) => event.type)).toEqual([
      'data',
      'model-start',
      'progress',
      'progress',
      'model-done',
      'model-start',
      'progress',
      'progress',
      'model-done',
      'done',
    ]);
    const points = events.flatMap((event) => (event.type === 'progress' ? [event.point] : []));
    expect(points.map((point) => `${point.model}@${point.step}`)).toEqual([
      'shared-bottom@3',
      'shared-bottom@6',
      'dtrn-ple@3',
      'dtrn-ple@6',
    ]);
    for (const point of points) {
      expect(point.lossPerTask.every((loss) => Number.isFinite(loss) && loss > 0)).toBe(true);
      expect(point.validationAuc.every((auc) => auc === null || (auc >= 0 && auc <= 1))).toBe(true);
    }
    expect(result.stopped).toBe(false);
    expect(result.reference).toBe('shared-bottom');
    expect(result.tasks).toEqual(['click', 'conversion']);
    for (const model of result.models) {
      expect(model.steps).toBe(6);
      expect(model.stoppedReason).toBe('maxSteps');
      expect(model.test.map((task) => task.task)).toEqual(['click', 'conversion']);
      for (const task of model.test) {
        expect(task.positives).toBeGreaterThan(0);
        expect(task.auc).toBeGreaterThan(0);
        expect(task.auc).toBeLessThan(1);
      }
    }
    const [reference, dtrn] = result.models;
    expect(reference!.differences).toEqual([]);
    expect(dtrn!.differences.map((d) => d.task)).toEqual(['click', 'conversion']);
    const estimate = dtrn!.differences[0]!.estimate;
    expect(estimate).toBeCloseTo(dtrn!.test[0]!.auc! - reference!.test[0]!.auc!, 6);
    // TRM field weights exist only with a DTRN bottom; PLE has a gate per task.
    expect(reference!.inspection?.fieldWeights).toBeUndefined();
    expect(dtrn!.inspection?.fieldWeights?.map((entry) => entry.task)).toEqual([0, 1]);
    expect(dtrn!.inspection?.gates?.length).toBe(2);
    expect(result.oracles.find((o) => o.task === 'click' && o.kind === 'oracle')?.auc).toBeGreaterThan(0.5);
  });

  it('stops after the current step on abort, evaluates the model as trained and skips the rest', async () => {
    const controller = new AbortController();
    const events: WorkerEvent[] = [];
    const result = await expectNoLeakedTensors(() =>
      runComparison(TINY, {
        signal: controller.signal,
        emit: (event) => {
          events.push(event);
          if (event.type === 'progress') controller.abort();
        },
      }),
    );
    expect(result.stopped).toBe(true);
    expect(result.models).toHaveLength(1);
    expect(result.models[0]).toMatchObject({ model: 'shared-bottom', stoppedReason: 'aborted', steps: 3 });
    expect(result.models[0]!.test.every((task) => task.auc !== null)).toBe(true);
    expect(events.at(-1)?.type).toBe('done');
  });

  it('is deterministic in the seed', async () => {
    const config = { ...TINY, models: ['mmoe', 'ple'] as const, steps: 2, evaluateEverySteps: 2 };
    const first = await runComparison(config, { emit: () => undefined });
    const second = await runComparison(config, { emit: () => undefined });
    expect(second.models.map((m) => m.test)).toEqual(first.models.map((m) => m.test));
  });

  it('trains the cascade heads (ESMM, AITM) on its funnel data (conversion observed on clicks)', async () => {
    const config = { ...TINY, models: ['esmm', 'dtrn-aitm'] as const, steps: 3, evaluateEverySteps: 3 };
    const result = await expectNoLeakedTensors(() => runComparison(config, { emit: () => undefined }), {
      label: 'runComparison (cascade heads)',
    });
    expect(result.models.map((m) => [m.model, m.steps])).toEqual([
      ['esmm', 3],
      ['dtrn-aitm', 3],
    ]);
    for (const model of result.models) {
      expect(model.test.every((task) => task.auc !== null && Number.isFinite(task.auc))).toBe(true);
    }
  });
});
