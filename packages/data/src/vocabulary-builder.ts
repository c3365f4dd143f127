/** Counts raw ids on training data and builds a `Vocabulary` with a min-frequency threshold. */
import { ConfigError, checkEnum, checkNumber, optionalNumber } from '@dtrn/base';
import { compareRawIdKeys, type RawId, rawIdKey } from './raw-id.js';
import { checkName, checkObject } from './schema-checks.js';
import type { OovPolicy } from './types.js';
import { OOV_POLICIES } from './validate-schema.js';
import { Vocabulary } from './vocabulary.js';

export interface VocabularyArgs {
  /** Keep ids seen at least this many times; rarer ids become OOV. Integer >= 1, default 1. */
  readonly minFrequency?: number;
  /** What unknown ids map to (see `Vocabulary`). Default `'reserved'`. */
  readonly oov?: OovPolicy;
  /** Hash buckets after the known ids; required with `oov: 'hash'`, forbidden otherwise. Integer >= 1. */
  readonly hashBuckets?: number;
  /** Keep at most this many known ids (the most frequent). Integer >= 1, default unlimited. */
  readonly maxIds?: number;
}

export const DEFAULT_VOCABULARY_ARGS = Object.freeze({ minFrequency: 1, oov: 'reserved' as OovPolicy });

export class VocabularyBuilder {
  readonly idSpace: string;
  private readonly counts = new Map<string, number>();
  private total = 0;

  constructor(idSpace: string) {
    this.idSpace = checkName(idSpace, 'VocabularyBuilder: idSpace');
  }

  /** Counts one occurrence (or `count` occurrences) of `rawId`. `42` and `'42'` are the same id. */
  add(rawId: RawId, count = 1): this {
    if (!Number.isInteger(count) || count < 1) {
      throw new ConfigError('VocabularyBuilder.add: count is invalid', {
        expected: 'an integer >= 1',
        found: count,
      });
    }
    const key = rawIdKey(rawId);
    this.counts.set(key, (this.counts.get(key) ?? 0) + count);
    this.total += count;
    return this;
  }

  /** Counts every id of `rawIds`. */
  addAll(rawIds: Iterable<RawId>): this {
    for (const rawId of rawIds) this.add(rawId);
    return this;
  }

  /** Distinct ids counted so far. */
  get distinctIds(): number {
    return this.counts.size;
  }

  /** Occurrences counted so far. */
  get totalCount(): number {
    return this.total;
  }

  /** How often `rawId` was counted. */
  countOf(rawId: RawId): number {
    return this.counts.get(rawIdKey(rawId)) ?? 0;
  }

  /**
   * The vocabulary of ids seen at least `minFrequency` times (at most `maxIds` of them), ordered by
   * descending frequency, ties by raw id. With `oov: 'error'` at least one id must survive.
   */
  build(args: VocabularyArgs = {}): Vocabulary {
    const where = `VocabularyBuilder("${this.idSpace}").build`;
    checkObject(args, ['minFrequency', 'oov', 'hashBuckets', 'maxIds'], where);
    const minFrequency = optionalNumber(
      args.minFrequency,
      DEFAULT_VOCABULARY_ARGS.minFrequency,
      { integer: true, min: 1 },
      `${where}: minFrequency`,
    );
    const oov =
      args.oov === undefined
        ? DEFAULT_VOCABULARY_ARGS.oov
        : checkEnum(args.oov, OOV_POLICIES, `${where}: oov`);
    let hashBuckets: number | undefined;
    if (oov === 'hash')
      hashBuckets = checkNumber(args.hashBuckets, { integer: true, min: 1 }, `${where}: hashBuckets`);
    else if (args.hashBuckets !== undefined) {
      throw new ConfigError(`${where}: hashBuckets is only allowed with oov "hash"`, {
        found: `oov "${oov}" with hashBuckets ${args.hashBuckets}`,
      });
    }
    const maxIds = optionalNumber(
      args.maxIds,
      Number.POSITIVE_INFINITY,
      { integer: true, min: 1 },
      `${where}: maxIds`,
    );

    const kept: [string, number][] = [];
    for (const entry of this.counts) if (entry[1] >= minFrequency) kept.push(entry);
    kept.sort((a, b) => b[1] - a[1] || compareRawIdKeys(a[0], b[0]));
    if (kept.length > maxIds) kept.length = maxIds;
    if (oov === 'error' && kept.length === 0) {
      let mostFrequent = 0;
      for (const count of this.counts.values()) mostFrequent = Math.max(mostFrequent, count);
      throw new ConfigError(`${where}: no id reached minFrequency ${minFrequency} under oov "error"`, {
        expected: 'at least one known id',
        found: `${this.counts.size} distinct ids, most frequent seen ${mostFrequent} time(s)`,
      });
    }
    return new Vocabulary({
      idSpace: this.idSpace,
      oov,
      ...(hashBuckets !== undefined ? { hashBuckets } : {}),
      minFrequency,
      ids: kept.map((entry) => entry[0]),
      counts: kept.map((entry) => entry[1]),
    });
  }
}
