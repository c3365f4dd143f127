/** Field names and the DatasetSchema of the multi-behavior generator's output. */
import type { DatasetSchema, IdSpaceSpec, SparseFieldSpec } from '@dtrn/data';
import type { ResolvedMultiBehaviorArgs } from './multi-behavior-args.js';
import { BEHAVIORS, numRecencyBuckets, TARGET_AGE_ID } from './multi-behavior-sequences.js';
import { USER_FIELD_SIZES } from './multi-behavior-world.js';

/** Task names in schema order. */
export const SYNTHETIC_TASKS = ['click', 'conversion'] as const;

/** Sparse fields in schema order (`sparse[i]` is `SYNTHETIC_SPARSE_FIELDS[i]`). */
export const SYNTHETIC_SPARSE_FIELDS = [
  'user_id',
  'user_age',
  'user_gender',
  'user_city',
  'user_activity',
  'context_hour',
  'context_device',
  'target_item',
  'target_category',
  'target_brand',
  'target_price',
  'target_age',
] as const;

/** Side fields of every sequence element, in order; the target's side fields are aligned with them. */
export const SYNTHETIC_SIDE_FIELDS = ['category', 'brand', 'price', 'age'] as const;

/**
 * The group field: the user id, for GAUC and splits by user. It is NOT a feature by default: the
 * generator's labels do not depend on the user id beyond what the sequences and user fields carry,
 * and a model that embeds it memorises (see docs/synthetic.md, "The user id").
 */
export const SYNTHETIC_GROUP_FIELD = 'user_id';

/** Builds the schema for resolved args. Every id space uses row 0 = padding, ids from 1, OOV 'error'. */
export function buildSyntheticSchema(args: ResolvedMultiBehaviorArgs, numBrands: number): DatasetSchema {
  const space = (name: string, count: number): IdSpaceSpec => ({ name, size: count + 1, oov: 'error' });
  const idSpaces: IdSpaceSpec[] = [
    space('item', args.numItems),
    space('category', args.numCategories),
    space('brand', numBrands),
    space('price', args.numPriceBuckets),
    // Row 1 (TARGET_AGE_ID) is "now" (the target), then one row per recency bucket.
    space('age', TARGET_AGE_ID + numRecencyBuckets(args.sequenceLength)),
    space('user', args.numUsers),
    space('user_age', USER_FIELD_SIZES.userAge),
    space('user_gender', USER_FIELD_SIZES.userGender),
    space('user_city', USER_FIELD_SIZES.userCity),
    space('user_activity', USER_FIELD_SIZES.userActivity),
    space('context_hour', USER_FIELD_SIZES.contextHour),
    space('context_device', USER_FIELD_SIZES.contextDevice),
  ];
  const idSpaceOf: Record<(typeof SYNTHETIC_SPARSE_FIELDS)[number], string> = {
    user_id: 'user',
    user_age: 'user_age',
    user_gender: 'user_gender',
    user_city: 'user_city',
    user_activity: 'user_activity',
    context_hour: 'context_hour',
    context_device: 'context_device',
    target_item: 'item',
    target_category: 'category',
    target_brand: 'brand',
    target_price: 'price',
    target_age: 'age',
  };
  const sparseFields: SparseFieldSpec[] = SYNTHETIC_SPARSE_FIELDS.map((name) => ({
    name,
    idSpace: idSpaceOf[name],
  }));
  return {
    idSpaces,
    sparseFields,
    denseFields: [],
    sequences: {
      behaviors: BEHAVIORS.map((name) => ({ name, maxLength: args.sequenceLength })),
      itemIdSpace: 'item',
      sideFields: SYNTHETIC_SIDE_FIELDS.map((name) => ({ name, idSpace: name })),
      targetField: 'target_item',
      targetSideFields: SYNTHETIC_SIDE_FIELDS.map((name) => `target_${name}`),
    },
    tasks: [
      { name: 'click', sampleSpace: 'all' },
      {
        name: 'conversion',
        sampleSpace: args.taskMode === 'cascade' ? { positiveOf: 'click' } : 'all',
      },
    ],
    groupField: SYNTHETIC_GROUP_FIELD,
  };
}
