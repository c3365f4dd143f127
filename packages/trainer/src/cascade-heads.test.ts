/** ESMM and AITM from @dtrn/model trained by `fit` (entire-space conversion, calibrator) learn both tasks. */
import { createModel } from '@dtrn/model';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';
import { fit } from './fit.js';
import { MODEL_ARGS, parallelDataset, SCHEMA } from './testing/parallel.js';

// Click and conversion (observed on clicks) depend on the ids; 800 training rows.
const train = parallelDataset(800, 1);
const validation = parallelDataset(400, 2);

describe.each(['esmm', 'aitm'])('%s trained by fit', (head) => {
  it('learns click and conversion (AUC on the conversion sample space)', async () => {
    const model = createModel(SCHEMA, { ...MODEL_ARGS, head, headArgs: { towerUnits: [8, 4] } } as never);
    try {
      const before = evaluate(model, validation).report;
      await fit(model, train, validation, {
        epochs: 4,
        batchSize: 64,
        seed: 1,
        optimizer: { learningRate: 0.02 },
        earlyStopping: false,
      });
      const after = evaluate(model, validation).report;
      for (const task of [0, 1]) {
        expect(after.tasks[task]!.auc!, `task ${task}`).toBeGreaterThan(0.7);
        expect(after.tasks[task]!.auc!).toBeGreaterThan(before.tasks[task]!.auc! + 0.1);
      }
    } finally {
      model.dispose();
    }
  });
});
