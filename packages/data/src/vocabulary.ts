/**
 * A mapping from raw ids to table rows for one id space, with an explicit OOV policy.
 *
 * Row layout (size = rows of the embedding table):
 * - `error`:    row 0 padding, known ids at rows 1..K; size K + 1. Unknown ids throw a DataError.
 * - `reserved`: row 0 padding, row 1 OOV, known ids at rows 2..K+1; size K + 2.
 * - `hash`:     row 0 padding, known ids at rows 1..K, then H hash buckets at rows K+1..K+H;
 *               size K + 1 + H. An unknown id goes to row K + 1 + fnv1a32(key) mod H.
 * Known ids are ordered by descending frequency, ties by raw id (numbers by value, then strings).
 */
import { ConfigError, checkEnum, checkNumber, DataError, type ErrorLocation } from '@dtrn/base';
import { type RawId, rawIdKey } from './raw-id.js';
import { asDataError, checkArray, checkName, checkObject, requireKey } from './schema-checks.js';
import { fnv1a32 } from './string-hash.js';
import type { IdSpaceSpec, OovPolicy } from './types.js';
import { OOV_POLICIES } from './validate-schema.js';

export const VOCABULARY_FORMAT = 'dtrn-vocabulary';
export const VOCABULARY_FORMAT_VERSION = 1;

/** The JSON form of a vocabulary (`toJSON`/`fromJSON`). `ids[i]` is the raw id of row firstKnownRow + i. */
export interface VocabularyJson {
  readonly format: typeof VOCABULARY_FORMAT;
  readonly version: number;
  readonly idSpace: string;
  readonly oov: OovPolicy;
  readonly hashBuckets?: number;
  readonly minFrequency: number;
  readonly ids: readonly string[];
  /** Training-data frequency of each id, aligned with `ids`. */
  readonly counts: readonly number[];
}

export interface VocabularyParts {
  readonly idSpace: string;
  readonly oov: OovPolicy;
  readonly hashBuckets?: number;
  readonly minFrequency: number;
  /** Canonical raw id keys in row order. */
  readonly ids: readonly string[];
  readonly counts: readonly number[];
}

export class Vocabulary {
  readonly idSpace: string;
  readonly oov: OovPolicy;
  /** Hash buckets (0 unless `oov` is `hash`). */
  readonly hashBuckets: number;
  /** The min frequency the vocabulary was built with (documentation; not re-applied). */
  readonly minFrequency: number;
  /** Raw ids of the known rows, in row order (row of `knownIds[i]` is `firstKnownRow + i`). */
  readonly knownIds: readonly string[];
  /** Training frequency of each known id, aligned with `knownIds`. */
  readonly counts: readonly number[];
  /** Row of the first known id: 2 under `reserved`, else 1. */
  readonly firstKnownRow: number;
  /** Rows of the table: padding, OOV row or hash buckets included. */
  readonly size: number;
  private readonly rows: Map<string, number>;

  /** Use `VocabularyBuilder.build` or `Vocabulary.fromJSON`; this constructor trusts its input. */
  constructor(parts: VocabularyParts) {
    this.idSpace = parts.idSpace;
    this.oov = parts.oov;
    this.hashBuckets = parts.oov === 'hash' ? (parts.hashBuckets ?? 0) : 0;
    this.minFrequency = parts.minFrequency;
    this.knownIds = Object.freeze([...parts.ids]);
    this.counts = Object.freeze([...parts.counts]);
    this.firstKnownRow = parts.oov === 'reserved' ? 2 : 1;
    this.size = this.firstKnownRow + this.knownIds.length + this.hashBuckets;
    this.rows = new Map();
    this.knownIds.forEach((id, index) => {
      if (this.rows.has(id)) throw new ConfigError(`Vocabulary "${this.idSpace}": duplicate id "${id}"`);
      this.rows.set(id, this.firstKnownRow + index);
    });
  }

  /** Number of known ids K. */
  get numKnownIds(): number {
    return this.knownIds.length;
  }

  /** True if `rawId` has its own row (was kept when the vocabulary was built). */
  has(rawId: RawId): boolean {
    return this.rows.has(rawIdKey(rawId));
  }

  /**
   * The table row of `rawId`: its own row if known, else by the OOV policy (`error`: a DataError
   * located at `where`; `reserved`: row 1; `hash`: a hash bucket row).
   */
  lookup(rawId: RawId, where?: ErrorLocation): number {
    const key = rawIdKey(rawId, where);
    const row = this.rows.get(key);
    if (row !== undefined) return row;
    if (this.oov === 'reserved') return 1;
    if (this.oov === 'hash')
      return this.firstKnownRow + this.knownIds.length + (fnv1a32(key) % this.hashBuckets);
    throw new DataError(`unknown id in id space "${this.idSpace}" (oov policy "error")`, {
      ...(where ? { where } : {}),
      expected: `an id seen at least ${this.minFrequency} time(s) when the vocabulary was built`,
      found: rawId,
    });
  }

  /** The raw id stored at `row`, or undefined for padding, OOV and hash rows. */
  rawIdAt(row: number): string | undefined {
    return this.knownIds[row - this.firstKnownRow];
  }

  /** This vocabulary as a schema id space. */
  toIdSpaceSpec(): IdSpaceSpec {
    return this.oov === 'hash'
      ? { name: this.idSpace, size: this.size, oov: this.oov, hashBuckets: this.hashBuckets }
      : { name: this.idSpace, size: this.size, oov: this.oov };
  }

  toJSON(): VocabularyJson {
    return {
      format: VOCABULARY_FORMAT,
      version: VOCABULARY_FORMAT_VERSION,
      idSpace: this.idSpace,
      oov: this.oov,
      ...(this.oov === 'hash' ? { hashBuckets: this.hashBuckets } : {}),
      minFrequency: this.minFrequency,
      ids: this.knownIds,
      counts: this.counts,
    };
  }

  /**
   * Rebuilds a vocabulary from `toJSON()` output, validated strictly: a DataError naming `file`
   * for a wrong format or version, unknown keys, bad values, duplicate ids or misaligned counts.
   */
  static fromJSON(json: unknown, file = 'vocabulary JSON'): Vocabulary {
    return asDataError(file, () => {
      const keys = ['format', 'version', 'idSpace', 'oov', 'hashBuckets', 'minFrequency', 'ids', 'counts'];
      const object = checkObject(json, keys, 'vocabulary');
      if (object.format !== VOCABULARY_FORMAT) {
        throw new ConfigError('vocabulary.format is invalid', {
          expected: `"${VOCABULARY_FORMAT}"`,
          found: object.format,
        });
      }
      checkNumber(
        requireKey(object, 'version', 'vocabulary'),
        { integer: true, min: 1, max: VOCABULARY_FORMAT_VERSION },
        'vocabulary.version',
      );
      const idSpace = checkName(requireKey(object, 'idSpace', 'vocabulary'), 'vocabulary.idSpace');
      const oov = checkEnum(requireKey(object, 'oov', 'vocabulary'), OOV_POLICIES, 'vocabulary.oov');
      let hashBuckets: number | undefined;
      if (oov === 'hash') {
        hashBuckets = checkNumber(object.hashBuckets, { integer: true, min: 1 }, 'vocabulary.hashBuckets');
      } else if (object.hashBuckets !== undefined) {
        throw new ConfigError('vocabulary.hashBuckets is only allowed with oov "hash"', {
          found: object.hashBuckets,
        });
      }
      const minFrequency = checkNumber(
        object.minFrequency,
        { integer: true, min: 1 },
        'vocabulary.minFrequency',
      );
      const ids = checkArray(requireKey(object, 'ids', 'vocabulary'), 'vocabulary.ids', { allowEmpty: true });
      ids.forEach((id, index) => {
        if (typeof id !== 'string' || id.length === 0) {
          throw new ConfigError(`vocabulary.ids[${index}] is invalid`, {
            expected: 'a non-empty string',
            found: id,
          });
        }
      });
      const counts = checkArray(requireKey(object, 'counts', 'vocabulary'), 'vocabulary.counts', {
        allowEmpty: true,
      });
      if (counts.length !== ids.length) {
        throw new ConfigError('vocabulary.counts must align with vocabulary.ids', {
          expected: `${ids.length} counts`,
          found: counts.length,
        });
      }
      for (const [index, count] of counts.entries()) {
        checkNumber(count, { integer: true, min: 0 }, `vocabulary.counts[${index}]`);
      }
      return new Vocabulary({
        idSpace,
        oov,
        ...(hashBuckets !== undefined ? { hashBuckets } : {}),
        minFrequency,
        ids: ids as string[],
        counts: counts as number[],
      });
    });
  }
}
