/** ESMM and AITM in a model: the cascade from the schema, the entire-space loss outputs, leaks. */
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import { sliceRows } from '@dtrn/data';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createModel } from './create-model.js';
import type { DtrnModel } from './dtrn-model.js';
import { tinyCascadeData, tinyData, tinyPreset } from './testing/tiny.js';

const cascadeData = tinyCascadeData(4, 120);
const batch = sliceRows(cascadeData, 0, 8);

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

describe.each(['esmm', 'aitm', 'dtrn-esmm', 'dtrn-aitm'] as const)('%s in a model', (name) => {
  it('takes the cascade from the sample spaces and trains conversion on the entire space', () => {
    const model = createModel(cascadeData.schema, tinyPreset(name)) as DtrnModel;
    try {
      expect(model.entireSpaceTasks).toEqual([false, true]);
      const prepared = model.prepare(batch, { training: true });
      const predicted = model.forward(prepared, { training: false });
      const loss = model.forwardForLoss(prepared, { training: false });
      expect(loss.logits.map((t) => t.shape)).toEqual([
        [8, 1],
        [8, 1],
      ]);
      const sigmoid = (t: tf.Tensor) => Array.from(tf.tidy(() => tf.sigmoid(t)).dataSync());
      const [ctr, second] = predicted.map(sigmoid);
      const [lossCtr, lossConversion] = loss.logits.map(sigmoid);
      expect(lossCtr).toEqual(ctr);
      if (name.endsWith('esmm')) {
        // predicted pCVR, trained pCTR x pCVR
        lossConversion!.forEach((p, row) => {
          expect(p).toBeCloseTo(ctr![row]! * second![row]!, 5);
        });
        expect(loss.auxiliaryLosses).toEqual([null, null]);
      } else {
        expect(lossConversion).toEqual(second);
        expect(loss.auxiliaryLosses[0]).toBeNull();
        expect(loss.auxiliaryLosses[1]!.shape).toEqual([]);
      }
      tf.dispose([...predicted, ...loss.logits, ...loss.auxiliaryLosses.filter((t) => t !== null)]);
      prepared.dispose();
    } finally {
      model.dispose();
    }
  });

  it('leaks no tensors through prepare, forwardForLoss and dispose', async () => {
    await expectNoLeakedTensors(() => {
      const model = createModel(cascadeData.schema, tinyPreset(name)) as DtrnModel;
      const prepared = model.prepare(batch, { training: true });
      const loss = model.forwardForLoss(prepared, { training: true, seed: 2 });
      tf.dispose([...loss.logits, ...loss.auxiliaryLosses.filter((t) => t !== null)]);
      prepared.dispose();
      model.dispose();
    });
  });
});

describe('the cascade of ESMM and AITM', () => {
  it('is a clear ConfigError on data without a funnel', () => {
    const independent = tinyData(2, 50);
    expect(messageOf(() => createModel(independent.schema, tinyPreset('esmm')))).toBe(
      'head "esmm" needs a task cascade (e.g. click then conversion), but no task has a sampleSpace { positiveOf: ... } (conversion observed on clicks) (expected a schema whose later funnel steps have sampleSpace { positiveOf: <previous step> } (synthetic data: taskMode "cascade"), or ModelArgs.headArgs.cascade naming the steps, e.g. ["click", "conversion"], found "click: all, conversion: all")',
    );
    const named = { headArgs: { cascade: ['click', 'conversion'], towerUnits: [8] } };
    expect(messageOf(() => createModel(independent.schema, tinyPreset('aitm', named)))).toBe(
      'ModelArgs.headArgs.cascade: head "aitm" trains task "conversion" on the entire space of "click"\'s impressions, so the schema must give it sampleSpace { positiveOf: "click" } (expected tasks[1].sampleSpace = { positiveOf: "click" } (conversion observed on clicks), found "all")',
    );
  });

  it('accepts task names or indices matching the schema, and names an unknown task', () => {
    for (const cascade of [
      ['click', 'conversion'],
      [0, 1],
    ]) {
      const args = tinyPreset('esmm', { headArgs: { cascade, towerUnits: [8] } });
      const model = createModel(cascadeData.schema, args);
      expect(model.parameterCount().dense).toBeGreaterThan(0);
      model.dispose();
    }
    const typo = tinyPreset('esmm', { headArgs: { cascade: ['clik', 'conversion'] } });
    expect(messageOf(() => createModel(cascadeData.schema, typo))).toBe(
      'ModelArgs.headArgs.cascade[0]: unknown task; did you mean "click"? (expected a task name ("click", "conversion") or index in [0, 1], found "clik")',
    );
    const reversed = tinyPreset('esmm', { headArgs: { cascade: ['conversion', 'click'] } });
    expect(messageOf(() => createModel(cascadeData.schema, reversed))).toContain(
      'head "esmm" trains task "click" on the entire space of "conversion"\'s impressions',
    );
  });
});
