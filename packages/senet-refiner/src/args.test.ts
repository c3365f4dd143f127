import { isConfigError } from '@dtrn/core';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SENET_REFINER_ARGS,
  resolveSenetRefinerArgs,
  senetHiddenUnits,
  senetSqueezeWidth,
} from './args.js';

const REQUIRED = { numTasks: 3, numFields: 23, embeddingDim: 16 };

describe('resolveSenetRefinerArgs', () => {
  it('fills the defaults and returns a frozen, complete object', () => {
    const args = resolveSenetRefinerArgs(REQUIRED);
    expect(args).toEqual({ ...REQUIRED, ...DEFAULT_SENET_REFINER_ARGS });
    expect(Object.isFrozen(args)).toBe(true);
    expect(args.squeeze).toBe('mean');
    expect(args.excitationActivation).toBe('scaledSigmoid');
    // MODEL-SPEC default: r = max(1, ceil(N / 3)).
    expect(senetHiddenUnits(args)).toBe(8);
    expect(senetSqueezeWidth(args)).toBe(23);
    expect(senetSqueezeWidth({ ...args, squeeze: 'flatten' })).toBe(23 * 16);
  });

  it('keeps explicit values', () => {
    const args = resolveSenetRefinerArgs({
      ...REQUIRED,
      squeeze: 'flatten',
      reductionRatio: 0.5,
      hiddenActivation: 'tanh',
      excitationActivation: 'relu',
      startUniform: false,
      seed: 9,
    });
    expect(args.squeeze).toBe('flatten');
    expect(senetHiddenUnits(args)).toBe(46);
    expect(args.hiddenActivation).toBe('tanh');
    expect(args.startUniform).toBe(false);
    expect(args.seed).toBe(9);
  });

  it('computes the hidden size without floating-point surprises', () => {
    expect(senetHiddenUnits({ numFields: 6, reductionRatio: 0.1 })).toBe(60);
    expect(senetHiddenUnits({ numFields: 2, reductionRatio: 16 })).toBe(1);
    expect(senetHiddenUnits({ numFields: 7, reductionRatio: 3 })).toBe(3);
  });

  it('rejects unknown keys naming the closest valid key', () => {
    expect(() => resolveSenetRefinerArgs({ ...REQUIRED, reductionRatoi: 2 })).toThrow(
      'SenetRefinerArgs: unknown key "reductionRatoi"; did you mean "reductionRatio"? (valid keys: numTasks, numFields, embeddingDim, squeeze, reductionRatio, hiddenActivation, excitationActivation, startUniform, seed)',
    );
  });

  it('rejects bad values with exact messages', () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { numFields: 23, embeddingDim: 16 },
        'SenetRefinerArgs.numTasks is invalid (expected an integer >= 1, found undefined)',
      ],
      [
        { ...REQUIRED, numFields: 0 },
        'SenetRefinerArgs.numFields is invalid (expected an integer >= 1, found 0)',
      ],
      [
        { ...REQUIRED, embeddingDim: 2.5 },
        'SenetRefinerArgs.embeddingDim is invalid (expected an integer >= 1, found 2.5)',
      ],
      [
        { ...REQUIRED, squeeze: 'sum' },
        'SenetRefinerArgs.squeeze is invalid (expected one of "mean", "flatten", found "sum")',
      ],
      [
        { ...REQUIRED, excitationActivation: 'sigmod' },
        'SenetRefinerArgs.excitationActivation is invalid; did you mean "sigmoid"? (expected one of "scaledSigmoid", "sigmoid", "relu", found "sigmod")',
      ],
      [
        { ...REQUIRED, hiddenActivation: 'swish' },
        'SenetRefinerArgs.hiddenActivation is invalid (expected one of "linear", "relu", "sigmoid", "tanh", "gelu", "elu", found "swish")',
      ],
      [
        { ...REQUIRED, reductionRatio: 0 },
        'SenetRefinerArgs.reductionRatio is invalid (expected a finite number > 0, found 0)',
      ],
      [
        { ...REQUIRED, startUniform: 'yes' },
        'SenetRefinerArgs.startUniform is invalid (expected a boolean, found "yes")',
      ],
      [{ ...REQUIRED, seed: -1 }, 'SenetRefinerArgs.seed is invalid (expected an integer >= 0, found -1)'],
    ];
    for (const [raw, message] of cases) {
      let caught: unknown;
      try {
        resolveSenetRefinerArgs(raw);
      } catch (error) {
        caught = error;
      }
      expect(isConfigError(caught)).toBe(true);
      expect((caught as Error).message).toBe(message);
    }
    expect(() => resolveSenetRefinerArgs(null)).toThrow(
      'SenetRefinerArgs must be an object (expected an object, found null)',
    );
  });
});
