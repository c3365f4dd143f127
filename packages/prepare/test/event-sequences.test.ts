/**
 * Sequences built from an event log: for each sample and behaviour, the last maxLength items of its
 * user strictly before the sample's time. Proved against the raw events, including events at
 * exactly a sample's time (every fifth sample of the fixture sits on one).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InMemoryDataset, Vocabulary } from '@dtrn/data';
import { readShards } from '@dtrn/data/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { GROUP_EXTRA, prepareTable } from '../src/index.js';
import { fixtureConfig, type TableFixture, writeTableFixture } from '../src/testing.js';

const root = mkdtempSync(join(tmpdir(), 'dtrn-prepare-events-'));
const LENGTHS = { click: 8, cart: 4, order: 2 } as const;

describe('sequences from an event log', () => {
  let fixture: TableFixture;
  let splits: InMemoryDataset[];
  let vocabulary: Vocabulary;
  let result: Awaited<ReturnType<typeof prepareTable>>;
  beforeAll(async () => {
    fixture = await writeTableFixture(join(root, 'data'));
    const out = join(root, 'out');
    result = await prepareTable(fixtureConfig(fixture, { format: 'csv', sequences: 'events' }), {
      configPath: join(root, 'dataset.yaml'),
      out,
    });
    splits = await Promise.all(['train', 'validation', 'test'].map((split) => readShards(join(out, split))));
    vocabulary = Vocabulary.fromJSON(JSON.parse(readFileSync(join(out, 'vocabularies.json'), 'utf8')).item);
  });

  it('equals the last maxLength events of the user strictly before the sample, per behaviour', () => {
    const users = [...new Set([...fixture.samples, ...fixture.events].map((s) => s.user))].sort();
    const sampleUsers = [...new Set(fixture.samples.map((s) => s.user))].sort();
    let checked = 0;
    let tied = 0;
    for (const split of splits) {
      for (let row = 0; row < split.size; row++) {
        const user = sampleUsers[split.extras![GROUP_EXTRA]![row]!]!;
        const time = split.timestamps![row]!;
        expect(users).toContain(user);
        if (fixture.events.some((e) => e.user === user && e.ts === time)) tied++;
        for (const [m, type] of (['click', 'cart', 'order'] as const).entries()) {
          const length = LENGTHS[type];
          const expected = fixture.events
            .map((event, index) => ({ event, index }))
            .filter(({ event }) => event.user === user && event.type === type && event.ts < time)
            .sort((a, b) => a.event.ts - b.event.ts || a.index - b.index)
            .slice(-length)
            .map(({ event }) => vocabulary.lookup(event.item));
          const items = Array.from(split.sequences[m]!.items.subarray(row * length, (row + 1) * length));
          expect(items).toEqual([...new Array(length - expected.length).fill(0), ...expected]);
          checked++;
        }
      }
    }
    expect(checked).toBe(3 * fixture.samples.length);
    expect(tied).toBeGreaterThan(50);
  });

  it('lets no event at or after the sample time into its sequence', () => {
    const sampleUsers = [...new Set(fixture.samples.map((s) => s.user))].sort();
    let known = 0;
    for (const split of splits) {
      for (let row = 0; row < split.size; row++) {
        const user = sampleUsers[split.extras![GROUP_EXTRA]![row]!]!;
        const time = split.timestamps![row]!;
        for (const [m, type] of (['click', 'cart', 'order'] as const).entries()) {
          const length = LENGTHS[type];
          const items = split.sequences[m]!.items.subarray(row * length, (row + 1) * length);
          for (const id of items) {
            const item = vocabulary.rawIdAt(id);
            if (item === undefined) continue; // padding or OOV
            known++;
            const before = fixture.events.some(
              (e) => e.user === user && e.type === type && e.item === item && e.ts < time,
            );
            expect(before).toBe(true);
          }
        }
      }
    }
    expect(known).toBeGreaterThan(1000);
  });

  it('reports the event log rows and keeps the item vocabulary to what training samples can see', () => {
    expect(result.report.events).toMatchObject({ read: 2000, used: 2000, skipped: 0, filtered: 0 });
    expect(result.schema.sequences?.behaviors.map((b) => b.name)).toEqual(['click', 'cart', 'order']);
    const train = splits[0]!;
    const sampleUsers = [...new Set(fixture.samples.map((s) => s.user))].sort();
    const last = new Map<string, number>();
    for (let row = 0; row < train.size; row++) {
      const user = sampleUsers[train.extras![GROUP_EXTRA]![row]!]!;
      last.set(user, Math.max(last.get(user) ?? -1, train.timestamps![row]!));
    }
    const visible = new Set(fixture.events.filter((e) => e.ts < (last.get(e.user) ?? -1)).map((e) => e.item));
    for (const id of vocabulary.knownIds) {
      const targetInTrain = fixture.samples.some((s) => s.item === id && last.has(s.user));
      expect(visible.has(id) || targetInTrain).toBe(true);
    }
  });
});
