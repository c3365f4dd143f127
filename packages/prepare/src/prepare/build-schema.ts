/** The `DatasetSchema` of the prepared data, validated by `@dtrn/data`. */
import { type DatasetSchema, type IdSpaceSpec, validateSchema } from '@dtrn/data';
import type { TableConfig } from '../config/types.js';
import type { NumericPlan } from '../stages/numeric-transforms.js';
import type { BuiltVocabulary } from '../stages/vocabularies.js';

export function buildSchema(
  config: TableConfig,
  vocabularies: readonly BuiltVocabulary[],
  numeric: NumericPlan,
): DatasetSchema {
  const idSpaces: IdSpaceSpec[] = [...vocabularies.map((v) => v.spec), ...numeric.bucketSpaces];
  const sparseFields: { name: string; idSpace: string }[] = [];
  const denseFields: { name: string }[] = [];
  for (const field of config.fields) {
    if (field.type === 'categorical') sparseFields.push({ name: field.name, idSpace: field.idSpace });
    else if (field.transform === 'buckets') sparseFields.push({ name: field.name, idSpace: field.idSpace });
    else denseFields.push({ name: field.name });
  }
  const sequences = config.sequences;
  return validateSchema({
    idSpaces,
    sparseFields,
    denseFields,
    ...(sequences
      ? {
          sequences: {
            behaviors: sequences.behaviors.map((b) => ({ name: b.name, maxLength: b.maxLength })),
            itemIdSpace: sequences.idSpace,
            sideFields: [],
            targetField: sequences.target,
          },
        }
      : {}),
    tasks: config.tasks.map((task) =>
      task.sampleSpace === undefined
        ? { name: task.name }
        : { name: task.name, sampleSpace: { positiveOf: task.sampleSpace } },
    ),
    ...(config.group && 'field' in config.group ? { groupField: config.group.field } : {}),
  });
}

/** The same schema without sequences (the leakage check reads fields and labels only). */
export function withoutSequences(schema: DatasetSchema): DatasetSchema {
  const { sequences: _unused, ...rest } = schema;
  return validateSchema(JSON.parse(JSON.stringify(rest)));
}
