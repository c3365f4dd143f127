import { isConfigError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BOOTSTRAP,
  DEFAULT_CHECK,
  DEFAULT_TRAINING,
  overridesFor,
  resolveComparisonConfig,
  seedsOf,
} from './config.js';

/** The ConfigError message of `run`. */
function messageOf(run: () => unknown): string {
  const error = (() => {
    try {
      run();
    } catch (caught) {
      return caught;
    }
  })();
  expect(error, 'a ConfigError').toSatisfy(isConfigError);
  return (error as Error).message;
}

describe('resolveComparisonConfig', () => {
  it('completes a config with the defaults and freezes it', () => {
    const config = resolveComparisonConfig({ models: ['ple', 'dtrn-ple'] });
    expect(config).toEqual({
      models: ['ple', 'dtrn-ple'],
      seeds: 3,
      firstSeed: 0,
      training: DEFAULT_TRAINING,
      modelOverrides: {},
      perModel: {},
      bootstrap: DEFAULT_BOOTSTRAP,
      check: DEFAULT_CHECK,
      inspectionRows: 2048,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(seedsOf({ seeds: 3, firstSeed: 7 })).toEqual([7, 8, 9]);
    const custom = resolveComparisonConfig({
      models: ['a'],
      training: { epochs: 2, maxSteps: 10 },
      bootstrap: { seed: 4 },
      check: { enabled: false },
    });
    expect(custom.training).toEqual({ ...DEFAULT_TRAINING, epochs: 2, maxSteps: 10 });
    expect(custom.bootstrap).toEqual({ ...DEFAULT_BOOTSTRAP, seed: 4 });
    expect(custom.check).toEqual({ ...DEFAULT_CHECK, enabled: false });
  });

  it('names the field and the closest valid key', () => {
    expect(
      messageOf(() => resolveComparisonConfig({ models: ['a'], training: { epoch: 3 } } as never)),
    ).toMatch(/^ComparisonConfig\.training: unknown key "epoch"; did you mean "epochs"\?/);
    expect(messageOf(() => resolveComparisonConfig({ models: ['a'], seed: 1 } as never))).toMatch(
      /unknown key "seed"; did you mean "seeds"\?/,
    );
    expect(messageOf(() => resolveComparisonConfig({ models: [] }))).toMatch(
      /^ComparisonConfig\.models is invalid \(expected a non-empty array of model names/,
    );
    expect(messageOf(() => resolveComparisonConfig({ models: ['a', 'a'] }))).toMatch(
      /^ComparisonConfig\.models: "a" is listed twice/,
    );
    expect(messageOf(() => resolveComparisonConfig({ models: ['a'], seeds: 0 }))).toMatch(
      /^ComparisonConfig\.seeds is invalid \(expected an integer >= 1 and <= 100, found 0\)/,
    );
    expect(
      messageOf(() =>
        resolveComparisonConfig({ models: ['a'], training: { balancing: 'gradnom' as never } }),
      ),
    ).toMatch(/training\.balancing is invalid; did you mean "gradnorm"\?/);
    expect(
      messageOf(() =>
        resolveComparisonConfig({ models: ['ple', 'mmoe'], perModel: { pel: {} } }, 'compare config'),
      ),
    ).toMatch(/^compare config\.perModel: "pel" is not a model of this comparison; did you mean "ple"\?/);
    expect(
      messageOf(() =>
        resolveComparisonConfig({ models: ['a'], training: { validation: 'progress', patience: 2 } }),
      ),
    ).toMatch(/^ComparisonConfig\.training\.patience must be 0 with validation "progress"/);
  });

  it('merges per-model settings over the common overrides', () => {
    const config = resolveComparisonConfig({
      models: ['ple', 'shared-bottom'],
      modelOverrides: { embeddingDim: 8, headArgs: { towerUnits: [8] } },
      perModel: { ple: { headArgs: { expertUnits: [16] } } },
    });
    expect(overridesFor(config, 'ple')).toEqual({
      embeddingDim: 8,
      headArgs: { towerUnits: [8], expertUnits: [16] },
    });
    expect(overridesFor(config, 'shared-bottom')).toEqual({ embeddingDim: 8, headArgs: { towerUnits: [8] } });
  });
});
