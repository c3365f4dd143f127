/**
 * Frequency-thresholded id vocabularies of the loaders: raw ids counted on the training split, kept
 * when seen at least `minFrequency` times, and mapped to table rows by the id-space contract of
 * `types.ts`: row 0 = padding, row 1 = the reserved OOV row, known ids from row 2 in order of first
 * appearance (deterministic for a given file). Memory: one Map entry per distinct raw id counted.
 */

/** Row of the reserved OOV row in every loader id space. */
export const OOV_ROW = 1;
/** First row of a known id. */
export const FIRST_ID_ROW = 2;

/** Counts raw ids (numbers or strings) of one id space. */
export class FrequencyCounter<Key extends number | string = number | string> {
  readonly counts = new Map<Key, number>();

  add(key: Key, times = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + times);
  }

  get distinct(): number {
    return this.counts.size;
  }
}

/** A frozen mapping from raw ids to rows. */
export class IdVocabulary<Key extends number | string = number | string> {
  /** Raw id of each known row, `ids[row - FIRST_ID_ROW]`. */
  readonly ids: readonly Key[];
  /** Training frequency of each known row, aligned with `ids`. */
  readonly frequencies: Float64Array;
  /** Distinct raw ids counted, including those below `minFrequency`. */
  readonly distinctSeen: number;
  private readonly rows: Map<Key, number>;

  constructor(
    readonly name: string,
    counter: FrequencyCounter<Key>,
    readonly minFrequency: number,
  ) {
    const ids: Key[] = [];
    const frequencies: number[] = [];
    this.rows = new Map();
    for (const [key, count] of counter.counts) {
      if (count < minFrequency) continue;
      this.rows.set(key, FIRST_ID_ROW + ids.length);
      ids.push(key);
      frequencies.push(count);
    }
    this.ids = ids;
    this.frequencies = Float64Array.from(frequencies);
    this.distinctSeen = counter.distinct;
  }

  /** Table rows: padding, OOV and every known id. */
  get size(): number {
    return FIRST_ID_ROW + this.ids.length;
  }

  /** Row of a raw id, or OOV_ROW when it is unknown or below the min frequency. */
  rowOf(key: Key): number {
    return this.rows.get(key) ?? OOV_ROW;
  }

  /** True when the raw id has its own row. */
  has(key: Key): boolean {
    return this.rows.has(key);
  }
}

/** What a loader returns about one vocabulary. */
export interface VocabularySummary {
  readonly name: string;
  readonly size: number;
  readonly minFrequency: number;
  readonly knownIds: number;
  readonly distinctSeen: number;
}

export function summarizeVocabulary(vocabulary: IdVocabulary): VocabularySummary {
  return {
    name: vocabulary.name,
    size: vocabulary.size,
    minFrequency: vocabulary.minFrequency,
    knownIds: vocabulary.ids.length,
    distinctSeen: vocabulary.distinctSeen,
  };
}
