/** The dataset schema of OTTO samples: target item, three typed sequences, three tasks. */
import type { DatasetSchema, Vocabulary } from '@dtrn/data';
import type { ResolvedOttoArgs } from './otto-args.js';

/** Extra column holding the session's ordinal in the file (a group id for GAUC by session). */
export const OTTO_SESSION_COLUMN = 'group/session';

export function ottoSchema(args: ResolvedOttoArgs, item: Vocabulary): DatasetSchema {
  const clicked = args.sampleSpaces === 'clicked';
  return {
    idSpaces: [item.toIdSpaceSpec()],
    sparseFields: [{ name: 'item', idSpace: 'item' }],
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
  };
}
