/** Data without behavior sequences: TIM bottoms are refused at creation; the others train on it. */
import { isConfigError } from '@dtrn/base';
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import { createEmptyDataset, type DatasetSchema, sampleMasksFor, sliceRows } from '@dtrn/data';
import { describe, expect, it } from 'vitest';
import { checkModelConfig, createModel } from './create-model.js';
import { plannedParameterCount } from './model-size.js';
import type { ModelPresetName } from './presets.js';
import { tinyModel, tinyPreset } from './testing/tiny.js';

/** Two sparse fields, one dense field, two tasks; no sequences (like AliExpress or Census-Income). */
function flatData(rows: number) {
  const schema: DatasetSchema = {
    idSpaces: [{ name: 'country', size: 6, oov: 'reserved' }],
    sparseFields: [
      { name: 'country', idSpace: 'country' },
      { name: 'region', idSpace: 'country' },
    ],
    denseFields: [{ name: 'age' }],
    tasks: [{ name: 'click' }, { name: 'conversion', sampleSpace: { positiveOf: 'click' } }],
  };
  const data = createEmptyDataset(schema, rows);
  for (let row = 0; row < rows; row++) {
    data.sparse[0]![row] = 2 + (row % 4);
    data.sparse[1]![row] = 2 + ((row * 7) % 4);
    data.dense[0]![row] = (row % 10) / 10;
    data.labels[0]![row] = row % 3 === 0 ? 1 : 0;
    data.labels[1]![row] = row % 6 === 0 ? 1 : 0;
  }
  sampleMasksFor(schema, data.labels, data.sampleMasks);
  return data;
}

const data = flatData(24);

describe('a schema without sequences', () => {
  it.each<ModelPresetName>(['dtrn-shared-bottom', 'dtrn-mmoe', 'dtrn-ple', 'dtrn-ple-no-trm'])(
    '%s (TIM) is a ConfigError at creation naming the missing sequences',
    async (name) => {
      await expectNoLeakedTensors(() => {
        let caught: unknown;
        try {
          tinyModel(name, data).dispose();
        } catch (error) {
          caught = error;
        }
        expect(isConfigError(caught)).toBe(true);
        const message = (caught as Error).message;
        expect(message).toContain('needs behavior sequences (TIM), but the schema has no sequences');
        expect(message).toContain('schema.sequences with at least one behavior');
        expect(message).toContain('bottom "dtrn-no-tim"');
        expect(message).toContain('dtrn-shared-bottom-no-tim, dtrn-mmoe-no-tim, dtrn-ple-no-tim');
        expect(message).toContain('2 sparse and 1 dense fields, no schema.sequences');
        // The same check without building anything (apps run it before training the first model).
        expect(() => checkModelConfig(data.schema, tinyPreset(name))).toThrow(message);
        // ...and loadModel's size check, which runs before building, refuses it the same way.
        expect(() => plannedParameterCount(data.schema, tinyPreset(name))).toThrow(message);
      });
    },
  );

  it.each<ModelPresetName>([
    'shared-bottom',
    'mmoe',
    'ple',
    'dtrn-shared-bottom-no-tim',
    'dtrn-mmoe-no-tim',
    'dtrn-ple-no-tim',
    'single-task',
  ])('%s builds, predicts and frees its tensors', async (name) => {
    await expectNoLeakedTensors(() => {
      checkModelConfig(data.schema, tinyPreset(name));
      const model = createModel(data.schema, tinyPreset(name));
      try {
        expect(plannedParameterCount(data.schema, tinyPreset(name))).toEqual(model.parameterCount());
        const probabilities = model.predict(sliceRows(data, 0, 5));
        expect(probabilities.map((p) => p.length)).toEqual([5, 5]);
        for (const p of probabilities) expect(Array.from(p).every((v) => v > 0 && v < 1)).toBe(true);
      } finally {
        model.dispose();
      }
    });
  });
});
