import { SYNTHETIC_SETTING_KNOBS } from '@dtrn/datasets';
import { describe, expect, it } from 'vitest';
import { scaledModelArgs } from './model-scale.js';
import { DEFAULT_PLAYGROUND_CONFIG, resolvePlaygroundConfig } from './playground-config.js';

describe('resolvePlaygroundConfig', () => {
  it('fills every default', () => {
    expect(resolvePlaygroundConfig({})).toEqual(DEFAULT_PLAYGROUND_CONFIG);
  });

  it("takes the chosen setting's knobs unless overridden", () => {
    const config = resolvePlaygroundConfig({ setting: 'gate-friendly', knobs: { fieldOverlap: 0.4 } });
    expect(config.knobs).toEqual({ ...SYNTHETIC_SETTING_KNOBS['gate-friendly'], fieldOverlap: 0.4 });
  });

  it('rejects an unknown key naming the closest valid one', () => {
    expect(() => resolvePlaygroundConfig({ step: 10 } as never)).toThrow(
      'PlaygroundConfig: unknown key "step"; did you mean "steps"?',
    );
    expect(() => resolvePlaygroundConfig({ knobs: { fieldOverlp: 1 } as never })).toThrow(
      'PlaygroundConfig.knobs: unknown key "fieldOverlp"; did you mean "fieldOverlap"?',
    );
  });

  it('needs two or three distinct known presets', () => {
    expect(() => resolvePlaygroundConfig({ models: ['ple'] })).toThrow('PlaygroundConfig.models is invalid');
    expect(() => resolvePlaygroundConfig({ models: ['ple', 'mmoe', 'dtrn-ple', 'dtrn-mmoe'] })).toThrow(
      'two or three model presets',
    );
    expect(() => resolvePlaygroundConfig({ models: ['ple', 'ple'] })).toThrow(
      'PlaygroundConfig.models has a duplicate',
    );
    expect(() => resolvePlaygroundConfig({ models: ['ple', 'dtrn-pl'] as never })).toThrow('dtrn-ple');
  });

  it('range-checks numbers, including NaN from an empty form field', () => {
    expect(() => resolvePlaygroundConfig({ steps: 0 })).toThrow('PlaygroundConfig.steps');
    expect(() => resolvePlaygroundConfig({ steps: Number.NaN })).toThrow('PlaygroundConfig.steps');
    expect(() => resolvePlaygroundConfig({ learningRate: 0 })).toThrow('PlaygroundConfig.learningRate');
    expect(() => resolvePlaygroundConfig({ knobs: { taskCorrelation: -1.5 } })).toThrow(
      'PlaygroundConfig.knobs.taskCorrelation',
    );
    expect(() => resolvePlaygroundConfig({ dataSize: 'demo' as never })).toThrow('PlaygroundConfig.dataSize');
  });
});

describe('scaledModelArgs', () => {
  it('shrinks the widths, keeps the preset structure and sets seed and embedding learning rate', () => {
    const args = scaledModelArgs('dtrn-ple', 'compact', { seed: 7, learningRate: 0.01 });
    expect(args).toMatchObject({
      bottom: 'dtrn',
      head: 'ple',
      embeddingDim: 20,
      seed: 7,
      headArgs: { numTaskExperts: 1, numSharedExperts: 2, expertUnits: [64, 32], towerUnits: [32] },
      embeddings: { optimizer: { kind: 'adam', learningRate: 0.01 } },
    });
    const sharedBottom = scaledModelArgs('shared-bottom', 'tiny', { seed: 0, learningRate: 0.01 });
    expect(sharedBottom.headArgs).toEqual({ bottomUnits: [32], towerUnits: [8] });
    const preset = scaledModelArgs('mmoe', 'preset', { seed: 1, learningRate: 0.01 });
    expect(preset.headArgs).toMatchObject({ expertUnits: [256, 128] });
    expect(preset.embeddingDim).toBeUndefined();
  });
});
