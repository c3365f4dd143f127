/**
 * Id spaces of Ali-CCP: one per single field, except the item's category / shop / brand / intention
 * fields, which share the `behavior` space with the four bags (keys prefixed by kind, so a category
 * and a shop with the same raw id stay apart). Counting and mapping both go through here.
 */
import { type Vocabulary, VocabularyBuilder } from '@dtrn/data';
import {
  ALI_CCP_BAGS,
  ALI_CCP_BEHAVIOR_SPACE,
  ALI_CCP_SHARED_KIND,
  ALI_CCP_SINGLE_FIELDS,
} from './fields.js';
import type { ParsedFeatures } from './parse-features.js';

/** Id space name of each single field, in schema order. */
export const SINGLE_FIELD_SPACES: readonly string[] = ALI_CCP_SINGLE_FIELDS.map((field) =>
  ALI_CCP_SHARED_KIND[field] !== undefined ? ALI_CCP_BEHAVIOR_SPACE : field,
);
const SINGLE_FIELD_PREFIX: readonly string[] = ALI_CCP_SINGLE_FIELDS.map(
  (field) => ALI_CCP_SHARED_KIND[field] ?? '',
);

/** Id space names in schema order (fields first, `behavior` where it first appears). */
export const ALI_CCP_SPACES: readonly string[] = [...new Set(SINGLE_FIELD_SPACES)];

/** Indices of the bag elements to keep: the `length` largest counts, ascending (largest last), ties in file order. */
export function keptBagOrder(values: readonly number[], length: number): number[] {
  const order = values.map((_, index) => index);
  order.sort((a, b) => values[a]! - values[b]! || a - b);
  return order.length > length ? order.slice(order.length - length) : order;
}

export class AliCcpCounters {
  readonly counters = new Map<string, VocabularyBuilder>(
    ALI_CCP_SPACES.map((space) => [space, new VocabularyBuilder(space)]),
  );

  /** Adds the single fields (and, with `bagLength`, the kept bag elements) of `features`, `times` times. */
  add(features: ParsedFeatures, times: number, bagLength: number | undefined): void {
    for (let f = 0; f < ALI_CCP_SINGLE_FIELDS.length; f++) {
      const id = features.single[f]!;
      if (id !== '') this.counters.get(SINGLE_FIELD_SPACES[f]!)!.add(SINGLE_FIELD_PREFIX[f]! + id, times);
    }
    if (bagLength === undefined) return;
    const behavior = this.counters.get(ALI_CCP_BEHAVIOR_SPACE)!;
    ALI_CCP_BAGS.forEach((bag, b) => {
      const ids = features.bagIds[b]!;
      for (const index of keptBagOrder(features.bagValues[b]!, bagLength))
        behavior.add(bag.kind + ids[index]!, times);
    });
  }

  vocabularies(minFrequency: number): Record<string, Vocabulary> {
    const out: Record<string, Vocabulary> = {};
    for (const [space, counter] of this.counters) out[space] = counter.build({ minFrequency });
    return out;
  }
}

/** Maps parsed features to rows: single fields (-1 when absent) and right-aligned bag sequences. */
export class AliCcpMapper {
  private readonly singleVocabularies: Vocabulary[];
  private readonly behavior: Vocabulary;

  constructor(
    vocabularies: Readonly<Record<string, Vocabulary>>,
    readonly bagLength: number,
  ) {
    this.singleVocabularies = SINGLE_FIELD_SPACES.map((space) => vocabularies[space]!);
    this.behavior = vocabularies[ALI_CCP_BEHAVIOR_SPACE]!;
  }

  /** Ints of a stored profile: one per single field, then bagLength per bag. */
  get profileWidth(): number {
    return ALI_CCP_SINGLE_FIELDS.length + ALI_CCP_BAGS.length * this.bagLength;
  }

  mapSingle(features: ParsedFeatures, out: Int32Array): void {
    for (let f = 0; f < ALI_CCP_SINGLE_FIELDS.length; f++) {
      const id = features.single[f]!;
      out[f] = id === '' ? -1 : this.singleVocabularies[f]!.lookup(SINGLE_FIELD_PREFIX[f]! + id);
    }
  }

  /** A stored profile: mapped single fields, then each bag right-aligned (padding 0 first). */
  mapProfile(features: ParsedFeatures): Int32Array {
    const out = new Int32Array(this.profileWidth);
    this.mapSingle(features, out);
    ALI_CCP_BAGS.forEach((bag, b) => {
      const ids = features.bagIds[b]!;
      const kept = keptBagOrder(features.bagValues[b]!, this.bagLength);
      const base = ALI_CCP_SINGLE_FIELDS.length + b * this.bagLength + (this.bagLength - kept.length);
      kept.forEach((index, k) => {
        out[base + k] = this.behavior.lookup(bag.kind + ids[index]!);
      });
    });
    return out;
  }
}
