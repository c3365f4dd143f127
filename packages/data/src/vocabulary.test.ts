import { isConfigError, isDataError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { fnv1a32 } from './string-hash.js';
import { validateSchema } from './validate-schema.js';
import { Vocabulary } from './vocabulary.js';
import { VocabularyBuilder } from './vocabulary-builder.js';

function builder(): VocabularyBuilder {
  // frequencies: 7 x3, 'b' x3, 42 x2 (number and string), 'a' x1, 5 x2
  return new VocabularyBuilder('item').addAll([7, 'b', 42, 'a', 5, 7, 'b', '42', 7, 'b', 5]);
}

describe('fnv1a32', () => {
  it('matches the reference FNV-1a values over UTF-8', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    // 'é' is two UTF-8 bytes (0xc3 0xa9); '😀' four (0xf0 0x9f 0x98 0x80).
    let expected = 0x811c9dc5;
    for (const byte of [0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80])
      expected = Math.imul(expected ^ byte, 0x01000193) >>> 0;
    expect(fnv1a32('é😀')).toBe(expected);
  });
});

describe('VocabularyBuilder and Vocabulary', () => {
  it('orders rows by descending frequency, then by raw id (numbers first, by value)', () => {
    const vocabulary = builder().build({ minFrequency: 1, oov: 'reserved' });
    expect(vocabulary.knownIds).toEqual(['7', 'b', '5', '42', 'a']);
    expect(vocabulary.counts).toEqual([3, 3, 2, 2, 1]);
    expect(vocabulary.firstKnownRow).toBe(2);
    expect(vocabulary.size).toBe(7);
    expect(vocabulary.lookup(7)).toBe(2);
    expect(vocabulary.lookup('7')).toBe(2);
    expect(vocabulary.lookup(42)).toBe(5);
    expect(vocabulary.lookup('unseen')).toBe(1);
    expect(vocabulary.rawIdAt(3)).toBe('b');
    expect(vocabulary.rawIdAt(1)).toBeUndefined();
    expect(vocabulary.has('a')).toBe(true);
    expect(vocabulary.has('z')).toBe(false);
    expect(vocabulary.toIdSpaceSpec()).toEqual({ name: 'item', size: 7, oov: 'reserved' });
  });

  it('applies minFrequency and maxIds', () => {
    const vocabulary = builder().build({ minFrequency: 2, oov: 'error' });
    expect(vocabulary.knownIds).toEqual(['7', 'b', '5', '42']);
    expect(vocabulary.size).toBe(5);
    expect(vocabulary.lookup('b')).toBe(2);
    expect(builder().build({ maxIds: 2 }).knownIds).toEqual(['7', 'b']);
  });

  it('throws a located DataError for unknown ids under "error"', () => {
    const vocabulary = builder().build({ minFrequency: 2, oov: 'error' });
    let caught: unknown;
    try {
      vocabulary.lookup('a', { file: 'train.csv', line: 4, column: 2 });
    } catch (error) {
      caught = error;
    }
    expect(isDataError(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      'train.csv:4:2: unknown id in id space "item" (oov policy "error") (expected an id seen at least 2 time(s) when the vocabulary was built, found "a")',
    );
  });

  it('hashes unknown ids into the buckets after the known rows, stably', () => {
    const vocabulary = builder().build({ minFrequency: 2, oov: 'hash', hashBuckets: 3 });
    expect(vocabulary.firstKnownRow).toBe(1);
    expect(vocabulary.size).toBe(1 + 4 + 3);
    expect(vocabulary.lookup(7)).toBe(1);
    const rows = ['a', 'zz', 'q1', 'q2', 'q3', 'q4'].map((id) => vocabulary.lookup(id));
    for (const [index, id] of ['a', 'zz', 'q1', 'q2', 'q3', 'q4'].entries()) {
      expect(rows[index]).toBe(5 + (fnv1a32(id) % 3));
    }
    expect(new Set(rows).size).toBeGreaterThan(1);
    expect(vocabulary.lookup(3.5)).toBe(5 + (fnv1a32('3.5') % 3));
    expect(vocabulary.toIdSpaceSpec()).toEqual({ name: 'item', size: 8, oov: 'hash', hashBuckets: 3 });
    // The id space is a valid schema entry.
    expect(() =>
      validateSchema({
        idSpaces: [vocabulary.toIdSpaceSpec()],
        sparseFields: [{ name: 'item_id', idSpace: 'item' }],
        tasks: [{ name: 'click' }],
      }),
    ).not.toThrow();
  });

  it('validates build arguments and raw ids', () => {
    expect(() => builder().build({ oov: 'hash' })).toThrow('hashBuckets is invalid');
    expect(() => builder().build({ oov: 'reserved', hashBuckets: 2 })).toThrow(
      'hashBuckets is only allowed with oov "hash"',
    );
    expect(() => builder().build({ minFrequency: 0 })).toThrow('minFrequency is invalid');
    expect(() => builder().build({ minFrequncy: 2 } as never)).toThrow('did you mean "minFrequency"?');
    expect(() => builder().build({ minFrequency: 10, oov: 'error' })).toThrow(
      'no id reached minFrequency 10 under oov "error"',
    );
    expect(() => new VocabularyBuilder('item').add('')).toThrow(
      'raw id must be a finite number or a non-empty string',
    );
    expect(() => new VocabularyBuilder('item').add(Number.NaN)).toThrow(/finite/);
    expect(() => new VocabularyBuilder('item').add(1, 0)).toThrow('count is invalid');
    const counting = new VocabularyBuilder('user').add('u', 5).add('v');
    expect([counting.distinctIds, counting.totalCount, counting.countOf('u')]).toEqual([2, 6, 5]);
  });

  it('round-trips through JSON and refuses malformed JSON with a DataError', () => {
    for (const args of [{ oov: 'reserved' }, { oov: 'error' }, { oov: 'hash', hashBuckets: 4 }] as const) {
      const vocabulary = builder().build(args);
      const copy = Vocabulary.fromJSON(JSON.parse(JSON.stringify(vocabulary)));
      expect(copy.toJSON()).toEqual(vocabulary.toJSON());
      for (const id of ['7', 'b', 'unseen-1', 'unseen-2']) {
        if (args.oov === 'error' && !vocabulary.has(id)) continue;
        expect(copy.lookup(id)).toBe(vocabulary.lookup(id));
      }
    }
    const json = builder().build().toJSON();
    const refuse = (raw: unknown, message: string) => {
      let caught: unknown;
      try {
        Vocabulary.fromJSON(raw, 'vocab/item.json');
      } catch (error) {
        caught = error;
      }
      expect(isDataError(caught)).toBe(true);
      expect(isConfigError(caught)).toBe(false);
      expect((caught as Error).message).toContain(message);
    };
    refuse(
      { ...json, format: 'other' },
      'vocab/item.json: malformed vocab/item.json: vocabulary.format is invalid',
    );
    refuse({ ...json, version: 99 }, 'vocabulary.version is invalid');
    refuse({ ...json, idz: [] }, 'unknown key "idz"; did you mean "ids"?');
    refuse({ ...json, counts: [1] }, 'vocabulary.counts must align with vocabulary.ids');
    refuse({ ...json, ids: ['a', 'a', 'b', 'c', 'd'] }, 'duplicate id "a"');
    refuse({ ...json, hashBuckets: 3 }, 'hashBuckets is only allowed with oov "hash"');
    refuse({ ...json, ids: [1, 2, 3, 4, 5] }, 'vocabulary.ids[0] is invalid');
  });
});
