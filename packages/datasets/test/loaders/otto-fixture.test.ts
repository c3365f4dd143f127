import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadOtto, streamOtto } from '../../src/loaders/otto/load-otto.js';
import { OTTO_SESSION_FIELD } from '../../src/loaders/otto/otto-schema.js';
import { fixture, fixturePath } from './helpers.js';

const FILE = 'otto/otto_sample_train.jsonl';
interface RawEvent {
  aid: number;
  ts: number;
  type: 'clicks' | 'carts' | 'orders';
}
const sessions = readFileSync(fixturePath(FILE), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { session: number; events: RawEvent[] });

describe('OTTO loader on the real 20-session sample', () => {
  it('counts sessions and events by type exactly', async () => {
    const { report } = await loadOtto(fixture(FILE));
    expect(report.counts).toEqual({ sessions: 20, events: 862, clicks: 800, carts: 52, orders: 10 });
    expect(report.file).toMatchObject({ rowsRead: 20, rowsUsed: 20, rowsSkipped: 0, rowsFiltered: 0 });
    const bySplit = report.sessionsBySplit;
    expect(bySplit.train + bySplit.validation + bySplit.test).toBe(20);
  });

  it('builds prefix sequences, future labels and negatives that match the raw sessions', async () => {
    const long = { clickLength: 300, cartLength: 60, orderLength: 20, maxPositives: 1000 };
    const { datasets, vocabularies, report } = await loadOtto(fixture(FILE), {
      ...long,
      split: { train: 1 },
      numNegatives: 3,
      seed: 7,
    });
    const train = datasets.train;
    const item = vocabularies.item;
    expect(item.numKnownIds).toBe(510);
    const sessionIds = train.sparse[1]!; // the session field: ordinal + 1
    expect(train.groups).toBe(sessionIds);
    let checkedRows = 0;
    sessions.forEach((session, ordinal) => {
      const rows = [...sessionIds.keys()].filter((row) => sessionIds[row] === ordinal + 1);
      const first = rows[0]!;
      // The cutoff is the number of prefix events (nothing is truncated with these lengths).
      let cutoff = 0;
      for (let m = 0; m < 3; m++) {
        const { items, maxLength } = train.sequences[m]!;
        const row = items.subarray(first * maxLength, (first + 1) * maxLength);
        const nonzero = [...row].filter((id) => id !== 0).map((id) => Number(item.rawIdAt(id)));
        cutoff += nonzero.length;
        expect(row.slice(0, maxLength - nonzero.length).every((id) => id === 0)).toBe(true); // padding first
      }
      expect(cutoff).toBeGreaterThanOrEqual(1);
      expect(cutoff).toBeLessThan(session.events.length);
      const prefix = session.events.slice(0, cutoff);
      const future = session.events.slice(cutoff);
      expect(future[0]!.ts).not.toBe(prefix.at(-1)!.ts); // no timestamp straddles the cutoff
      for (const [m, type] of (['clicks', 'carts', 'orders'] as const).entries()) {
        const { items, maxLength } = train.sequences[m]!;
        const got = [...items.subarray(first * maxLength, (first + 1) * maxLength)]
          .filter((id) => id !== 0)
          .map((id) => Number(item.rawIdAt(id)));
        expect(got).toEqual(prefix.filter((e) => e.type === type).map((e) => e.aid)); // oldest first, newest last
      }
      const futureItems = [...new Set(future.map((e) => e.aid))];
      const positives = rows.slice(0, futureItems.length);
      const negatives = rows.slice(futureItems.length);
      positives.forEach((row, k) => {
        const aid = futureItems[k]!;
        expect(Number(item.rawIdAt(train.sparse[0]![row]!))).toBe(aid);
        const types = new Set(future.filter((e) => e.aid === aid).map((e) => e.type));
        expect([train.labels[0]![row], train.labels[1]![row], train.labels[2]![row]]).toEqual([
          types.has('clicks') ? 1 : 0,
          types.has('carts') ? 1 : 0,
          types.has('orders') ? 1 : 0,
        ]);
        expect(train.timestamps![row]).toBe(prefix.at(-1)!.ts);
      });
      expect(negatives.length).toBe(3);
      const negativeIds = negatives.map((row) => Number(item.rawIdAt(train.sparse[0]![row]!)));
      expect(new Set(negativeIds).size).toBe(3);
      for (const row of negatives) {
        expect(futureItems).not.toContain(Number(item.rawIdAt(train.sparse[0]![row]!)));
        expect([train.labels[0]![row], train.labels[1]![row], train.labels[2]![row]]).toEqual([0, 0, 0]);
      }
      checkedRows += rows.length;
    });
    expect(checkedRows).toBe(train.size);
    expect(report.positives + report.negatives).toBe(train.size);
    expect(report.negativesShort).toBe(0);
  });

  it('groups samples by session through the schema group field, in every split', async () => {
    const { datasets, schema } = await loadOtto(fixture(FILE), { seed: 2 });
    expect(schema.groupField).toBe(OTTO_SESSION_FIELD);
    expect(schema.sparseFields.map((field) => field.name)).toEqual(['item', OTTO_SESSION_FIELD]);
    expect(schema.idSpaces[1]).toEqual({ name: OTTO_SESSION_FIELD, size: 21, oov: 'error' });
    const seen = new Set<number>();
    for (const split of [datasets.train, datasets.validation, datasets.test]) {
      expect(split.groups).toBe(split.sparse[1]);
      expect(split.extras).toBeUndefined();
      const own = new Set(split.groups);
      for (const id of own) {
        expect(seen.has(id)).toBe(false); // a session lives in one split
        seen.add(id);
      }
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('is deterministic for a seed, differs across seeds, and streams the same rows in batches', async () => {
    const a = await loadOtto(fixture(FILE), { seed: 3 });
    const b = await loadOtto(fixture(FILE, 4096), { seed: 3 });
    const c = await loadOtto(fixture(FILE), { seed: 4 });
    expect(b.datasets.train.sparse[0]).toEqual(a.datasets.train.sparse[0]);
    expect(b.datasets.test.labels[1]).toEqual(a.datasets.test.labels[1]);
    expect(c.datasets.train.sparse[0]).not.toEqual(a.datasets.train.sparse[0]);
    const streamed: number[] = [];
    const sizes: number[] = [];
    const result = await streamOtto(fixture(FILE), { seed: 3, batchSize: 16 }, (split, batch) => {
      if (split === 'train') streamed.push(...batch.sparse[0]!);
      sizes.push(batch.size);
    });
    expect(streamed).toEqual([...a.datasets.train.sparse[0]!]);
    expect(Math.max(...sizes)).toBeLessThan(16 + 1 + 20 + 5); // one session over the batch size at most
    expect(result.report.samplesBySplit).toEqual(a.report.samplesBySplit);
    expect(result.leakage).toBeDefined();
  });

  it('builds the vocabulary from training sessions only and maps unseen items to the OOV row', async () => {
    const { datasets, vocabularies, report } = await loadOtto(fixture(FILE), { seed: 1, numNegatives: 0 });
    const trainItems = new Set<number>();
    for (const id of datasets.train.sparse[0]!) trainItems.add(id);
    expect(vocabularies.item.size).toBe(2 + vocabularies.item.numKnownIds);
    const oovInTest = [...datasets.test.sparse[0]!, ...datasets.validation.sparse[0]!].filter(
      (id) => id === 1,
    ).length;
    expect(report.oovPositives).toBe(oovInTest);
    expect(trainItems.has(1)).toBe(false);
  });

  it('with sampleSpaces "clicked" masks cart and order to clicked rows', async () => {
    const { datasets, schema } = await loadOtto(fixture(FILE), { sampleSpaces: 'clicked' });
    expect(schema.tasks.map((t) => t.sampleSpace ?? 'all')).toEqual([
      'all',
      { positiveOf: 'click' },
      { positiveOf: 'click' },
    ]);
    const train = datasets.train;
    expect(train.sampleMasks[0]).toBeUndefined();
    expect([...train.sampleMasks[1]!]).toEqual([...train.labels[0]!]);
  });

  it('rejects unknown and out-of-range arguments naming the closest key', async () => {
    await expect(loadOtto(fixture(FILE), { numNegative: 2 } as never)).rejects.toThrow(
      /OttoArgs: unknown key "numNegative"; did you mean "numNegatives"\?/,
    );
    await expect(loadOtto(fixture(FILE), { clickLength: 0 })).rejects.toThrow(
      /OttoArgs\.clickLength is invalid \(expected an integer >= 1 and <= 10000, found 0\)/,
    );
    await expect(loadOtto(fixture(FILE), { split: { train: 0.5, test: 0.2 } })).rejects.toThrow(
      /must sum to 1/,
    );
  });
});
