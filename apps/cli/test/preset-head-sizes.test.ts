/**
 * The compare presets size every model's head by asking the head registry (through @dtrn/model):
 * the app holds no list of heads or families, so a new head needs no edit here.
 */
import { getHead, type HeadFamily, mmoeHead, registerHead } from '@dtrn/mtl-heads';
import { afterEach, describe, expect, it } from 'vitest';
import { trainConfigFromFlags } from '../src/commands/train.js';
import { resolveCompareConfig } from '../src/compare/run-compare.js';
import { COMPARE_PRESET_NAMES, comparePreset, withModels } from '../src/config/compare-presets.js';

function headArgsByModel(preset: ReturnType<typeof comparePreset>) {
  return Object.fromEntries(Object.entries(preset.perModel ?? {}).map(([model, s]) => [model, s.headArgs]));
}

describe('compare presets: head sizes from the registry', () => {
  it('keeps the measured sizes of every preset (one scale, each family its widths)', () => {
    expect(headArgsByModel(comparePreset('tiny'))).toEqual({
      'shared-bottom': { bottomUnits: [32], towerUnits: [8] },
      ple: { expertUnits: [16], towerUnits: [8] },
      'dtrn-ple': { expertUnits: [16], towerUnits: [8] },
    });
    const small = {
      bottom: { bottomUnits: [128, 64], towerUnits: [32] },
      experts: { expertUnits: [64, 32], towerUnits: [32] },
    };
    expect(headArgsByModel(comparePreset('quick'))).toEqual({
      'shared-bottom': small.bottom,
      'dtrn-shared-bottom': small.bottom,
    });
    expect(headArgsByModel(comparePreset('sequence-conflict'))).toEqual({
      'shared-bottom': small.bottom,
      ple: small.experts,
      'dtrn-ple': small.experts,
    });
    // Presets without head sizes keep the library presets' sizes.
    for (const name of COMPARE_PRESET_NAMES.filter((n) => n.endsWith('-demo') || n === 'otto')) {
      expect(comparePreset(name).perModel).toBeUndefined();
    }
  });

  it('gives a model added by --models the preset sizes of its head, including heads with sizes by name', () => {
    const census = withModels(comparePreset('census-income'), ['dtrn-ple', 'single-task']);
    expect(headArgsByModel(census)).toEqual({
      'dtrn-ple': {
        numLevels: 1,
        numTaskExperts: 2,
        numSharedExperts: 1,
        expertUnits: [16],
        towerUnits: [8],
      },
      'single-task': { bottomUnits: [117], towerUnits: [8] },
    });
    // A name that is no model preset gets no sizes: validation reports it with the closest name.
    expect(withModels(comparePreset('tiny'), ['shared-bottom', 'mmeo']).perModel).toEqual({
      'shared-bottom': { headArgs: { bottomUnits: [32], towerUnits: [8] } },
    });
  });

  describe('a head registered outside the app, of a family the app has never seen', () => {
    afterEach(() => {
      registerHead(mmoeHead, { replace: true });
    });

    it('gets its sizes at the preset scale through the registry', () => {
      // Towers only: the scale's expert widths become the first tower layers.
      const towers: HeadFamily = {
        name: 'towers',
        sizesAt: (scale) => ({ towerUnits: [...scale.expertUnits, ...scale.towerUnits] }),
      };
      registerHead({ ...mmoeHead, family: towers, presetSizes: { towerUnits: [64] } }, { replace: true });
      expect(getHead('mmoe').family.name).toBe('towers');
      const preset = withModels(comparePreset('tiny'), ['shared-bottom', 'dtrn-mmoe']);
      expect(headArgsByModel(preset)).toEqual({
        'shared-bottom': { bottomUnits: [32], towerUnits: [8] },
        'dtrn-mmoe': { towerUnits: [16, 8] },
      });
      // The sizes are valid arguments of the head the model preset uses.
      expect(resolveCompareConfig(preset).perModel['dtrn-mmoe']).toEqual({
        headArgs: { towerUnits: [16, 8] },
      });
    });
  });

  it('gives dtrn train --preset X --model Y the preset sizes of its head, also for a model X does not list', async () => {
    const headOf = async (preset: string, model: string) =>
      ((await trainConfigFromFlags({ preset, model })).modelOverrides as { headArgs?: unknown }).headArgs;
    const experts = { expertUnits: [64, 32], towerUnits: [32] };
    expect(await headOf('full-conflict', 'dtrn-ple')).toEqual(experts);
    expect(await headOf('full-conflict', 'dtrn-ple-no-tim')).toEqual(experts);
    expect(await headOf('full-conflict', 'mmoe')).toEqual(experts);
    expect(await headOf('tiny', 'dtrn-shared-bottom')).toEqual({ bottomUnits: [32], towerUnits: [8] });
    expect(await headOf('full-conflict-demo', 'mmoe')).toBeUndefined(); // the library preset's sizes
  });
});
