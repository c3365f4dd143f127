/**
 * GAUC by session on OTTO: the session is the schema's group field, for raw files and prepared shards;
 * the shards `prepare` streams hold exactly the rows the in-memory loader gives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InMemoryDataset, listColumns } from '@dtrn/data';
import { OTTO_SESSION_FIELD } from '@dtrn/datasets';
import { afterAll, describe, expect, it } from 'vitest';
import { loadData } from '../src/data/load-data.js';
import { runPrepare } from '../src/data/run-prepare.js';
import { OTTO_SAMPLE } from './helpers/raw-data.js';

const columnsOf = (dataset: InMemoryDataset) =>
  listColumns(dataset).map((ref) => [ref.path, Array.from(ref.column)] as const);

const root = mkdtempSync(join(tmpdir(), 'dtrn-session-groups-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('session groups', () => {
  it('groups every OTTO split by session; prepared shards keep them and every other column', async () => {
    const raw = await loadData({ kind: 'otto', path: OTTO_SAMPLE, loader: {} }, 1);
    expect(raw.schema.groupField).toBe(OTTO_SESSION_FIELD);
    const sessionIndex = raw.schema.sparseFields.findIndex((field) => field.name === OTTO_SESSION_FIELD);
    const seen = new Set<number>();
    for (const split of [raw.train, raw.validation, raw.test]) {
      expect(Array.from(split.groups!)).toEqual(Array.from(split.sparse[sessionIndex]!));
      for (const session of new Set(split.groups)) {
        expect(seen.has(session)).toBe(false); // a session is in one split only
        seen.add(session);
      }
    }
    expect(seen.size).toBe(20);

    const out = join(root, 'otto');
    await runPrepare({ data: { kind: 'otto', path: OTTO_SAMPLE }, out, seed: 1 });
    const prepared = await loadData({ kind: 'shards', path: out }, 1);
    for (const split of ['train', 'validation', 'test'] as const) {
      expect(prepared[split].groups).toBeInstanceOf(Int32Array);
      expect(Array.from(prepared[split].groups!)).toEqual(Array.from(raw[split].groups!));
      expect(columnsOf(prepared[split])).toEqual(columnsOf(raw[split]));
    }
  });
});
