import { mlpParameterCount } from '@dtrn/core';
import { describe, expect, it } from 'vitest';
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
    expect(headNames()).toEqual(expect.arrayContaining(['mmoe', 'ple', 'shared-bottom']));
    expect(getHead('mmoe')).toBe(mmoeHead);
    expect(getHead('test-linear').parameterCount(getHead('test-linear').resolveArgs({ inputDim: 3 }))).toBe(
      2 * mlpParameterCount(3, [1]) + 3,
    );
  });

  it('names the closest head for an unknown name', () => {
    expectMessage(
      () => getHead('mmeo'),
      'unknown head "mmeo"; did you mean "mmoe"? (expected one of "mmoe", "ple", "shared-bottom", "test-linear", found "mmeo")',
    );
    expectMessage(
      () => getHead('transformer'),
      'unknown head "transformer" (expected one of "mmoe", "ple", "shared-bottom", "test-linear", found "transformer")',
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
