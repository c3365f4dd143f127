import { describe, expect, it } from 'vitest';
import { modelArgsToJson, resolveModelArgs } from './model-args.js';
import { MODEL_PRESET_NAMES, MODEL_PRESETS, modelPreset } from './presets.js';
import { configErrorMessage } from './testing/tiny.js';

describe('resolveModelArgs', () => {
  it('fills the defaults', () => {
    const args = resolveModelArgs({});
    expect(args).toMatchObject({
      bottom: 'dtrn',
      head: 'mmoe',
      embeddingDim: 40,
      singleTask: false,
      seed: 0,
    });
    expect(args.sideFieldDim).toBeNull();
    expect(args.excludeFields).toBeNull();
  });

  it('rejects unknown keys naming the closest valid key', () => {
    expect(configErrorMessage(() => resolveModelArgs({ embedingDim: 8 }))).toContain(
      'did you mean "embeddingDim"',
    );
    expect(configErrorMessage(() => resolveModelArgs({ encoder: { numHead: 2 } }))).toContain(
      'did you mean "numHeads"',
    );
    expect(configErrorMessage(() => resolveModelArgs({ headArgs: { numExpert: 2 } }))).toContain(
      'did you mean "numExperts"',
    );
    expect(configErrorMessage(() => resolveModelArgs({ refiner: { reductionRatoi: 2 } }))).toContain(
      'reductionRatio',
    );
    expect(configErrorMessage(() => resolveModelArgs({ embeddings: { l3: 1 } }))).toContain(
      'did you mean "l2"',
    );
  });

  it('rejects bad values with expected and found', () => {
    expect(configErrorMessage(() => resolveModelArgs({ bottom: 'dtrn-no-tin' }))).toContain(
      'did you mean "dtrn-no-tim"',
    );
    expect(configErrorMessage(() => resolveModelArgs({ head: 'mmeo' }))).toContain('did you mean "mmoe"');
    expect(configErrorMessage(() => resolveModelArgs({ embeddingDim: 0 }))).toContain(
      'expected an integer >= 1 and <= 1024, found 0',
    );
    expect(
      configErrorMessage(() => resolveModelArgs({ embeddingDim: 9, encoder: { numHeads: 2 } })),
    ).toContain('numHeads must divide');
  });

  it('rejects keys the model sets and inconsistent combinations', () => {
    expect(configErrorMessage(() => resolveModelArgs({ headArgs: { inputDim: 3 } }))).toContain(
      'headArgs.inputDim is set by the model',
    );
    expect(configErrorMessage(() => resolveModelArgs({ encoder: { unconditioned: true } }))).toContain(
      'encoder.unconditioned is set by the model',
    );
    expect(configErrorMessage(() => resolveModelArgs({ sequenceEncoder: 'mean-pool' }))).toContain(
      'cannot condition interests',
    );
    expect(configErrorMessage(() => resolveModelArgs({ singleTask: true }))).toContain(
      'singleTask needs bottom "shared"',
    );
  });

  it('round-trips through JSON', () => {
    const args = resolveModelArgs(modelPreset('dtrn-ple', { excludeFields: ['a'], sideFieldDim: 4 }));
    const again = resolveModelArgs(JSON.parse(JSON.stringify(modelArgsToJson(args))));
    expect(again).toEqual(args);
  });
});

describe('modelPreset', () => {
  it('every preset resolves, with one embedding size', () => {
    for (const name of MODEL_PRESET_NAMES) {
      expect(resolveModelArgs(MODEL_PRESETS[name]).embeddingDim).toBe(40);
    }
  });

  it('merges nested overrides key by key and validates', () => {
    const args = modelPreset('dtrn-mmoe', { headArgs: { numExperts: 2 }, embeddingDim: 16 });
    expect(args.headArgs).toEqual({ numExperts: 2, expertUnits: [256, 128], towerUnits: [64] });
    expect(args.embeddingDim).toBe(16);
    expect(configErrorMessage(() => modelPreset('dtrn-pel' as never))).toContain('did you mean "dtrn-ple"');
    expect(configErrorMessage(() => modelPreset('mmoe', { headArgs: { numExperts: -1 } }))).toContain(
      'numExperts',
    );
  });
});
