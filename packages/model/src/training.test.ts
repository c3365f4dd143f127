/**
 * End-to-end training on the tiny synthetic preset with a minimal loop (gradients with respect to
 * the gathered rows and the dense variables in one pass, tf.train.adam for the dense weights,
 * applySparseGradients for the rows).
 *
 * The sweep over every preset runs on wasm only: on the cpu backend (~40x slower) it would take
 * several minutes. CI runs both projects, so it runs once there; a short check that one DTRN step
 * sequence lowers the loss runs on both backends.
 */
import { sliceRows } from '@dtrn/data';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { MODEL_PRESET_NAMES, modelPresetHead } from './presets.js';
import { evaluateLoss, onWasm, tinyData, tinyModel, trainBriefly, trainStep } from './testing/tiny.js';

describe('training', () => {
  it('a few steps on one batch lower its loss (dtrn-ple, every backend)', () => {
    const data = tinyData(4, 300);
    const batch = sliceRows(data, 0, 64);
    const model = tinyModel('dtrn-ple', data);
    const optimizer = tf.train.adam(0.03);
    const before = evaluateLoss(model, batch);
    for (let step = 0; step < 5; step++) trainStep(model, batch, optimizer, step);
    const after = evaluateLoss(model, batch);
    optimizer.dispose();
    model.dispose();
    expect(after).toBeLessThan(before - 0.05);
  });

  if (onWasm) {
    // Tiny preset (3,000 rows, sequences of 8, independent tasks at rate 0.3 so both tasks have
    // enough positives in 600 validation rows). AUC of 600 rows has a standard error of about
    // 0.025, so > 0.54 is 1.5 of them above chance. Measured 0.549-0.686 over every preset and
    // task with the counter-based row initializer and balanced-sign tower logits (0.557-0.705
    // before the tower change; the lowest is shared-bottom's second task, 0.549). Over seeds 1-6
    // (measured with the earlier per-row generator) the balanced init did as well or better on
    // average with a higher worst task (single-task 0.555 vs 0.505): seed 0's low task is the draw.
    const data = tinyData(1, 3000);
    const train = sliceRows(data, 0, 2400);
    const validation = sliceRows(data, 2400, 3000);
    // ESMM and AITM train with entire-space losses and a calibrator that this minimal loop does not
    // compute: @dtrn/trainer's src/cascade-heads.test.ts trains them with `fit` on funnel data.
    const presets = MODEL_PRESET_NAMES.filter((name) => !modelPresetHead(name).usesCascade);
    it.each(presets)('%s: validation loss falls and AUC beats 0.5 on both tasks', (name) => {
      const model = tinyModel(name, data);
      const result = trainBriefly(model, train, validation, {
        epochs: 3,
        batchSize: 200,
        learningRate: 0.03,
      });
      model.dispose();
      expect(result.after).toBeLessThan(result.before - 0.05);
      result.auc.forEach((auc, task) => {
        expect(auc, `task ${task}`).toBeGreaterThan(0.54);
      });
    });
  }
});
