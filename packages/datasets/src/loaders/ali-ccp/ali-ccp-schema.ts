/** The dataset schema of Ali-CCP samples. */

import type { DatasetSchema, Vocabulary } from '@dtrn/data';
import { ALI_CCP_BAGS, ALI_CCP_BEHAVIOR_SPACE, ALI_CCP_SINGLE_FIELDS } from './fields.js';
import { ALI_CCP_SPACES, SINGLE_FIELD_SPACES } from './id-spaces.js';

export function aliCcpSchema(
  vocabularies: Readonly<Record<string, Vocabulary>>,
  bagLength: number,
): DatasetSchema {
  return {
    idSpaces: ALI_CCP_SPACES.map((space) => vocabularies[space]!.toIdSpaceSpec()),
    sparseFields: ALI_CCP_SINGLE_FIELDS.map((field, f) => ({
      name: field,
      idSpace: SINGLE_FIELD_SPACES[f]!,
    })),
    denseFields: [],
    sequences: {
      behaviors: ALI_CCP_BAGS.map((bag) => ({ name: bag.behavior, maxLength: bagLength })),
      itemIdSpace: ALI_CCP_BEHAVIOR_SPACE,
      sideFields: [],
      targetField: '206',
    },
    tasks: [{ name: 'click' }, { name: 'conversion', sampleSpace: { positiveOf: 'click' } }],
    groupField: '101',
  };
}
