import { mlpParameterCount } from '@dtrn/core';
import { describe, expect, it } from 'vitest';
import { BOTTOM_FAMILY, EXPERT_FAMILY } from './head-family.js';
import { mmoeHead } from './mmoe.js';
import { getHead, headNames, registerHead, unregisterHead } from './registry.js';
import { describeHeadContract } from './testing/head-contract-suite.js';
import { linearHead } from './testing/linear-head.js';
import { expectMessage } from './testing/messages.js';

// A head defined outside the package files (one file + registerHead) passes the same contract.
registerHead(linearHead);
describeHeadContract(linearHead, {
  args: { numTasks: 2, inputDim: 3 },
  gradientArgs: { numTasks: 2, inputDim: 3 },
  readsSharedInput: true,
});

describe('head registry', () => {
  it('lists the built-in heads and finds them by name', () => {
    expect(headNames()).toEqual(expect.arrayContaining(['aitm', 'esmm', 'mmoe', 'ple', 'shared-bottom']));
    expect(getHead('mmoe')).toBe(mmoeHead);
    expect(getHead('test-linear').parameterCount(getHead('test-linear').resolveArgs({ inputDim: 3 }))).toBe(
      2 * mlpParameterCount(3, [1]) + 3,
    );
  });

  it('names the closest head for an unknown name', () => {
    expectMessage(
      () => getHead('mmeo'),
      'unknown head "mmeo"; did you mean "mmoe"? (expected one of "aitm", "esmm", "mmoe", "ple", "shared-bottom", "test-linear", found "mmeo")',
    );
    expectMessage(
      () => getHead('transformer'),
      'unknown head "transformer" (expected one of "aitm", "esmm", "mmoe", "ple", "shared-bottom", "test-linear", found "transformer")',
    );
  });

  it('rejects bad names, missing methods and silent replacement', () => {
    expectMessage(
      () => registerHead({ ...mmoeHead, name: 'My_Head' }),
      'registerHead: invalid head name (expected a kebab-case name such as "mmoe" or "shared-bottom", found "My_Head")',
    );
    const { variables: _dropped, ...incomplete } = mmoeHead;
    expectMessage(
      () => registerHead({ ...incomplete, name: 'incomplete' } as unknown as typeof mmoeHead),
      'registerHead: head "incomplete" has no variables() (expected a function variables (use defineHead to add createParams and variables), found undefined)',
    );
    expectMessage(
      () => registerHead({ ...mmoeHead }),
      'registerHead: a different head is already registered as "mmoe" (expected a new name, or { replace: true }, found "mmoe")',
    );
    expect(registerHead(mmoeHead)).toBe(mmoeHead);
    const copy = { ...mmoeHead, name: 'mmoe-copy' };
    registerHead(copy);
    expect(registerHead({ ...copy }, { replace: true }).name).toBe('mmoe-copy');
    expect(unregisterHead('mmoe-copy')).toBe(true);
    expect(headNames()).not.toContain('mmoe-copy');
  });
});

describe('head metadata in the registry', () => {
  it('gives each built-in head its family and preset sizes', () => {
    expect(['shared-bottom', 'mmoe', 'ple'].map((name) => getHead(name).family.name)).toEqual([
      'bottom',
      'experts',
      'experts',
    ]);
    expect(getHead('shared-bottom').presetSizes).toEqual({ bottomUnits: [640, 384], towerUnits: [64] });
    expect(getHead('ple').presetSizes).toMatchObject({
      numLevels: 1,
      numTaskExperts: 1,
      numSharedExperts: 2,
    });
  });

  it('derives each family sizes from one scale (bottoms twice an expert wide)', () => {
    const scale = { expertUnits: [64, 32], towerUnits: [32] };
    expect(BOTTOM_FAMILY.sizesAt(scale)).toEqual({ bottomUnits: [128, 64], towerUnits: [32] });
    expect(EXPERT_FAMILY.sizesAt(scale)).toEqual({ expertUnits: [64, 32], towerUnits: [32] });
    expect(getHead('mmoe').family.sizesAt({ expertUnits: [16], towerUnits: [] })).toEqual({
      expertUnits: [16],
      towerUnits: [],
    });
  });

  it('rejects a head without a family or preset sizes', () => {
    expectMessage(
      () => registerHead({ ...mmoeHead, name: 'no-family', family: undefined as never }),
      'registerHead: head "no-family" has no valid family (expected a family { name (kebab-case), sizesAt(scale) }, e.g. EXPERT_FAMILY, found undefined)',
    );
    expectMessage(
      () =>
        registerHead({ ...mmoeHead, name: 'bad-family', family: { name: 'Experts', sizesAt: () => ({}) } }),
      'registerHead: head "bad-family" has no valid family (expected a family { name (kebab-case), sizesAt(scale) }, e.g. EXPERT_FAMILY, found {"name":"Experts"})',
    );
    expectMessage(
      () => registerHead({ ...mmoeHead, name: 'no-sizes', presetSizes: [] as never }),
      'registerHead: head "no-sizes" has no presetSizes (expected an object of size arguments, e.g. { expertUnits: [256, 128], towerUnits: [64] }, found [])',
    );
    expect(headNames()).not.toContain('no-family');
  });
});
