/** What a preset knows about its head and its base, asked from the head registry (no tensors). */
import { getHead } from '@dtrn/mtl-heads';
import { describe, expect, it } from 'vitest';
import {
  MODEL_PRESET_DESCRIPTIONS,
  MODEL_PRESET_NAMES,
  MODEL_PRESETS,
  modelPresetBase,
  modelPresetHead,
  modelPresetIsSingleTask,
} from './presets.js';

describe('model presets and their heads', () => {
  it('finds the head of every preset in the registry, with its family', () => {
    for (const name of MODEL_PRESET_NAMES) {
      expect(modelPresetHead(name)).toBe(getHead(MODEL_PRESETS[name].head!));
    }
    expect(
      ['shared-bottom', 'dtrn-mmoe', 'dtrn-ple-no-trm', 'single-task'].map(
        (name) => modelPresetHead(name).family.name,
      ),
    ).toEqual(['bottom', 'experts', 'experts', 'bottom']);
  });

  it("takes each head's preset sizes from its registration (the sizes the measured results used)", () => {
    expect(MODEL_PRESETS['dtrn-shared-bottom'].headArgs).toEqual({
      bottomUnits: [640, 384],
      towerUnits: [64],
    });
    expect(MODEL_PRESETS.mmoe.headArgs).toEqual({ numExperts: 4, expertUnits: [256, 128], towerUnits: [64] });
    expect(MODEL_PRESETS['dtrn-ple-no-tim'].headArgs).toEqual({
      numLevels: 1,
      numTaskExperts: 1,
      numSharedExperts: 2,
      expertUnits: [256, 128],
      towerUnits: [64],
    });
    for (const name of MODEL_PRESET_NAMES.filter((n) => n !== 'single-task')) {
      expect(MODEL_PRESETS[name].headArgs).toBe(modelPresetHead(name).presetSizes);
    }
  });

  it('measures each DTRN or STEM variant and ablation against the baseline on its head', () => {
    const bases = Object.fromEntries(MODEL_PRESET_NAMES.map((name) => [name, modelPresetBase(name)]));
    expect(bases).toEqual({
      'shared-bottom': null,
      mmoe: null,
      ple: null,
      'dtrn-shared-bottom': 'shared-bottom',
      'dtrn-mmoe': 'mmoe',
      'dtrn-ple': 'ple',
      esmm: null,
      'dtrn-esmm': 'esmm',
      aitm: null,
      'dtrn-aitm': 'aitm',
      'dtrn-shared-bottom-no-tim': 'shared-bottom',
      'dtrn-mmoe-no-tim': 'mmoe',
      'dtrn-ple-no-tim': 'ple',
      'dtrn-ple-no-trm': 'ple',
      'stem-shared-bottom': 'shared-bottom',
      'stem-mmoe': 'mmoe',
      'stem-ple': 'ple',
      'single-task': null,
    });
    expect(Object.keys(MODEL_PRESET_DESCRIPTIONS)).toEqual([...MODEL_PRESET_NAMES]);
    // The negative-transfer reference every multi-task model is measured against.
    expect(MODEL_PRESET_NAMES.filter((name) => modelPresetIsSingleTask(name))).toEqual(['single-task']);
  });

  it('names the closest preset for an unknown name', () => {
    expect(() => modelPresetHead('dtrn-pel')).toThrow(
      `modelPresetHead: name is invalid; did you mean "dtrn-ple"? (expected one of ${MODEL_PRESET_NAMES.map((n) => `"${n}"`).join(', ')}, found "dtrn-pel")`,
    );
    expect(() => modelPresetBase('mmeo')).toThrow('modelPresetBase: name is invalid; did you mean "mmoe"?');
  });
});
