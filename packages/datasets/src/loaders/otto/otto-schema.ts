/**
 * The dataset schema of OTTO samples: target item, three typed sequences, three tasks, and the
 * session as the group field (GAUC by session, splits by session).
 */
import type { DatasetSchema, Vocabulary } from '@dtrn/data';
import type { ResolvedOttoArgs } from './otto-args.js';

/**
 * Sparse field (and id space) holding each sample's session: its ordinal among the file's used
 * sessions plus 1 (row 0 is padding), so every session of the file is one group. It is the schema's
 * `groupField`, which models leave out of their features by default (its table would have a row per
 * session: 12.9M on the full set).
 */
export const OTTO_SESSION_FIELD = 'session';

/** `sessions`: the number of sessions that give samples (pass 1's used rows). */
export function ottoSchema(args: ResolvedOttoArgs, item: Vocabulary, sessions: number): DatasetSchema {
  const clicked = args.sampleSpaces === 'clicked';
  return {
    idSpaces: [
      item.toIdSpaceSpec(),
      // Padding row 0 plus one row per session; at least 2 rows (an id space's minimum).
      { name: OTTO_SESSION_FIELD, size: Math.max(2, sessions + 1), oov: 'error' },
    ],
    sparseFields: [
      { name: 'item', idSpace: 'item' },
      { name: OTTO_SESSION_FIELD, idSpace: OTTO_SESSION_FIELD },
    ],
    denseFields: [],
    sequences: {
      behaviors: [
        { name: 'click', maxLength: args.clickLength },
        { name: 'cart', maxLength: args.cartLength },
        { name: 'order', maxLength: args.orderLength },
      ],
      itemIdSpace: 'item',
      sideFields: [],
      targetField: 'item',
    },
    tasks: [
      { name: 'click' },
      { name: 'cart', ...(clicked ? { sampleSpace: { positiveOf: 'click' } } : {}) },
      { name: 'order', ...(clicked ? { sampleSpace: { positiveOf: 'click' } } : {}) },
    ],
    groupField: OTTO_SESSION_FIELD,
  };
}
