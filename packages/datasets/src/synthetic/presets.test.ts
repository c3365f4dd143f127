import { describe, expect, it } from 'vitest';
import { DEFAULT_MULTI_BEHAVIOR_ARGS } from './multi-behavior-args.js';
import {
  SYNTHETIC_PRESETS,
  SYNTHETIC_SETTING_KNOBS,
  SYNTHETIC_SETTINGS,
  SYNTHETIC_SIZES,
  syntheticPreset,
} from './presets.js';

describe('syntheticPreset', () => {
  it('encodes the four settings of DATA.md', () => {
    expect(SYNTHETIC_SETTING_KNOBS.control).toMatchObject({
      taskCorrelation: 1,
      sequenceTaskSpecificity: 0,
      fieldOverlap: 1,
    });
    expect(SYNTHETIC_SETTING_KNOBS['gate-friendly']).toMatchObject({
      taskCorrelation: 0,
      sequenceTaskSpecificity: 0,
    });
    expect(SYNTHETIC_SETTING_KNOBS['sequence-conflict']).toMatchObject({
      taskCorrelation: 0.5,
      sequenceTaskSpecificity: 1,
    });
    expect(SYNTHETIC_SETTING_KNOBS['full-conflict']).toMatchObject({
      taskCorrelation: -0.5,
      sequenceTaskSpecificity: 1,
      fieldOverlap: 0.3,
    });
  });

  it('resolves sizes and keeps the DATA.md rules in every preset', () => {
    expect(syntheticPreset('control', 'tiny')).toMatchObject({
      numUsers: 200,
      numItems: 500,
      numSamples: 5000,
    });
    expect(syntheticPreset('control', 'demo')).toMatchObject({
      numUsers: 20_000,
      numItems: 5_000,
      numSamples: 500_000,
    });
    expect(Object.keys(SYNTHETIC_PRESETS)).toHaveLength(SYNTHETIC_SETTINGS.length * SYNTHETIC_SIZES.length);
    for (const preset of Object.values(SYNTHETIC_PRESETS)) {
      expect(preset).toMatchObject({
        numCategories: 20,
        minBrandsPerCategory: 3,
        maxBrandsPerCategory: 4,
        userItemWeight: 0.5,
        sequenceWeight: 2,
        sequenceLength: 50,
        clickMemory: 2,
        conversionMemory: 50,
      });
    }
    expect(DEFAULT_MULTI_BEHAVIOR_ARGS).toMatchObject(SYNTHETIC_SETTING_KNOBS.control);
  });

  it('applies validated overrides', () => {
    expect(syntheticPreset('full-conflict', 'tiny', { seed: 9, sequenceLength: 20 })).toMatchObject({
      seed: 9,
      sequenceLength: 20,
      taskCorrelation: -0.5,
    });
    expect(() => syntheticPreset('full-conflict', 'tiny', { sead: 9 } as never)).toThrow(
      'syntheticPreset: overrides: unknown key "sead"; did you mean "seed"?',
    );
    expect(() => syntheticPreset('full-conflit' as never, 'tiny')).toThrow(
      'syntheticPreset: setting is invalid; did you mean "full-conflict"?',
    );
    expect(() => syntheticPreset('control', 'huge' as never)).toThrow('syntheticPreset: size is invalid');
  });
});
