/** OTTO's session column becomes the GAUC groups, for raw files; bad ordinals are refused. */
import { fileURLToPath } from 'node:url';
import { isDataError } from '@dtrn/base';
import { OTTO_SESSION_COLUMN } from '@dtrn/datasets';
import { describe, expect, it } from 'vitest';
import { loadData } from '../src/data/load-data.js';
import { withSessionGroups } from '../src/data/session-groups.js';

const OTTO_FIXTURE = fileURLToPath(
  new URL('../../../packages/datasets/test/fixtures/otto/otto_sample_train.jsonl', import.meta.url),
);

describe('session groups', () => {
  it('sets the groups of every OTTO split from the session ordinals', async () => {
    const data = await loadData({ kind: 'otto', path: OTTO_FIXTURE, loader: {} }, 1);
    let rows = 0;
    for (const split of [data.train, data.validation, data.test]) {
      const sessions = split.extras![OTTO_SESSION_COLUMN]!;
      expect(split.groups).toBeInstanceOf(Int32Array);
      expect(Array.from(split.groups!)).toEqual(Array.from(sessions));
      rows += split.size;
    }
    expect(rows).toBeGreaterThan(0);
    expect(new Set(data.train.groups).size).toBeGreaterThan(1); // several sessions, not one group
  });

  it('refuses ordinals a float32 column cannot hold exactly, naming the row', async () => {
    const data = await loadData({ kind: 'otto', path: OTTO_FIXTURE, loader: {} }, 1);
    const sessions = Float32Array.from(data.test.extras![OTTO_SESSION_COLUMN]!);
    sessions[1] = 2 ** 24;
    const { groups: _dropped, ...withoutGroups } = data.test;
    const bad = { ...withoutGroups, extras: { ...data.test.extras, [OTTO_SESSION_COLUMN]: sessions } };
    try {
      withSessionGroups(bad, 'test split');
      throw new Error('expected a DataError');
    } catch (error) {
      expect(isDataError(error)).toBe(true);
      expect((error as Error).message).toContain('test split: a session ordinal is not an exact integer');
      expect((error as Error).message).toContain('index 1');
      expect((error as Error).message).toContain('found 16777216');
    }
  });
});
