/**
 * Sequences built from an event log: for each sample and behaviour, the last maxLength items of its
 * user strictly before the sample's time. Proved against the raw events, including events at
 * exactly a sample's time (every fifth sample of the fixture sits on one), with a small item
 * vocabulary (ids looked up through an ENUM) and a large one (over ENUM_MAX_KEYS: joined).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InMemoryDataset, Vocabulary } from '@dtrn/data';
import { readShards } from '@dtrn/data/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { GROUP_EXTRA, prepareTable } from '../src/index.js';
import { ENUM_MAX_KEYS } from '../src/stages/vocabularies.js';
import {
  type FixtureEvent,
  fixtureConfig,
  type TableFixture,
  writeTableFixture,
} from '../src/testing/index.js';

const root = mkdtempSync(join(tmpdir(), 'dtrn-prepare-events-'));
const LENGTHS = { click: 8, cart: 4, order: 2 } as const;

/** The fixture's events of each user and behaviour, in time order (ties in file order). */
function eventsByUserAndType(events: readonly FixtureEvent[]): Map<string, FixtureEvent[]> {
  const groups = new Map<string, FixtureEvent[]>();
  events.forEach((event) => {
    const key = `${event.user}/${event.type}`;
    groups.set(key, [...(groups.get(key) ?? []), event]);
  });
  for (const list of groups.values()) list.sort((a, b) => a.ts - b.ts); // stable: file order on ties
  return groups;
}

describe.each([
  { vocabulary: 'small', oov: 'reserved', items: 60, events: 2000 },
  { vocabulary: 'large', oov: 'reserved', items: 60_000, events: 40_000 },
  { vocabulary: 'large', oov: 'hash', items: 60_000, events: 40_000 },
])('sequences from an event log ($vocabulary item vocabulary, oov $oov)', ({ oov, items, events }) => {
  let fixture: TableFixture;
  let splits: InMemoryDataset[];
  let vocabulary: Vocabulary;
  let result: Awaited<ReturnType<typeof prepareTable>>;
  let groups: Map<string, FixtureEvent[]>;
  beforeAll(async () => {
    const dir = join(root, `items-${items}-${oov}`);
    fixture = await writeTableFixture(join(dir, 'data'), { items, events });
    const out = join(dir, 'out');
    const config = fixtureConfig(fixture, { format: 'csv', sequences: 'events' });
    const item = { name: 'item', type: 'categorical', oov, ...(oov === 'hash' ? { hashBuckets: 97 } : {}) };
    config.fields = [item, ...(config.fields as unknown[]).slice(1)];
    result = await prepareTable(config, {
      configPath: join(dir, 'dataset.yaml'),
      out,
    });
    splits = await Promise.all(['train', 'validation', 'test'].map((split) => readShards(join(out, split))));
    vocabulary = Vocabulary.fromJSON(JSON.parse(readFileSync(join(out, 'vocabularies.json'), 'utf8')).item);
    groups = eventsByUserAndType(fixture.events);
  });

  it('looks item ids up the way its size asks for', () => {
    expect(vocabulary.numKnownIds > ENUM_MAX_KEYS).toBe(items > ENUM_MAX_KEYS);
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
        if (
          ['click', 'cart', 'order'].some((type) => groups.get(`${user}/${type}`)?.some((e) => e.ts === time))
        )
          tied++;
        for (const [m, type] of (['click', 'cart', 'order'] as const).entries()) {
          const length = LENGTHS[type];
          const expected = (groups.get(`${user}/${type}`) ?? [])
            .filter((event) => event.ts < time)
            .slice(-length)
            .map((event) => vocabulary.lookup(event.item));
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
            const before = (groups.get(`${user}/${type}`) ?? []).some((e) => e.item === item && e.ts < time);
            expect(before).toBe(true);
          }
        }
      }
    }
    expect(known).toBeGreaterThan(1000);
  });

  it('reports the event log rows and keeps the item vocabulary to what training samples can see', () => {
    expect(result.report.events).toMatchObject({ read: events, used: events, skipped: 0, filtered: 0 });
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
      expect(visible.has(id) || targetInTrain, id).toBe(true);
    }
  });
});
