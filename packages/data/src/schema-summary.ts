/**
 * Derived facts about a validated schema that models and pipelines need: the index of a field by
 * name, the id space (and its table size) of every sparse field and sequence column, and the sample
 * space of every task as a task index.
 */

import { unknownReference } from './schema-checks.js';
import type { DatasetSchema, IdSpaceSpec } from './types.js';

export interface SchemaSummary {
  readonly schema: DatasetSchema;
  /** Rows per id space, by id space name. */
  readonly idSpaceRows: Readonly<Record<string, number>>;
  /** Per sparse field, the index of its id space in `schema.idSpaces`. */
  readonly sparseFieldIdSpaces: readonly number[];
  /** Index of the sequences' item id space, or -1 without sequences. */
  readonly itemIdSpace: number;
  /** Per sequence side field, the index of its id space. */
  readonly sideFieldIdSpaces: readonly number[];
  /** Index of the target item's sparse field, or -1 without sequences. */
  readonly targetFieldIndex: number;
  /** Per sequence side field, the index of the target's matching sparse field (when declared). */
  readonly targetSideFieldIndices: readonly number[] | undefined;
  /** Index of the group field among the sparse fields, or -1 without one. */
  readonly groupFieldIndex: number;
  /** Per task, the index of the task whose positives define its sample space, or -1 for all rows. */
  readonly sampleSpaceParents: readonly number[];
  /** Index of a sparse field by name (ConfigError naming the closest field when unknown). */
  sparseFieldIndex(name: string): number;
  /** Index of a dense field by name. */
  denseFieldIndex(name: string): number;
  /** Index of a behavior by name. */
  behaviorIndex(name: string): number;
  /** Index of a task by name. */
  taskIndex(name: string): number;
  /** The id space of a sparse field or sequence side field (`'<behavior>'` gives the item id space). */
  idSpaceOf(fieldName: string): IdSpaceSpec;
}

function indexer(kind: string, names: readonly string[]): (name: string) => number {
  const map = new Map(names.map((name, index) => [name, index]));
  return (name) => {
    const index = map.get(name);
    if (index === undefined) throw unknownReference('schema', kind, name, names);
    return index;
  };
}

/** Computes the summary of a schema (validate it first with `validateSchema`). */
export function summarizeSchema(schema: DatasetSchema): SchemaSummary {
  const idSpaceIndex = indexer(
    'id space',
    schema.idSpaces.map((space) => space.name),
  );
  const idSpaceRows: Record<string, number> = {};
  for (const space of schema.idSpaces) idSpaceRows[space.name] = space.size;
  const sparseNames = schema.sparseFields.map((field) => field.name);
  const sparseFieldIndex = indexer('sparse field', sparseNames);
  const sequences = schema.sequences;
  const taskIndex = indexer(
    'task',
    schema.tasks.map((task) => task.name),
  );
  const behaviorNames = sequences?.behaviors.map((behavior) => behavior.name) ?? [];
  const sideNames = sequences?.sideFields.map((side) => side.name) ?? [];

  const idSpaceOf = (fieldName: string): IdSpaceSpec => {
    const sparse = schema.sparseFields.find((field) => field.name === fieldName);
    if (sparse) return schema.idSpaces[idSpaceIndex(sparse.idSpace)]!;
    const side = sequences?.sideFields.find((field) => field.name === fieldName);
    if (side) return schema.idSpaces[idSpaceIndex(side.idSpace)]!;
    if (sequences && behaviorNames.includes(fieldName)) {
      return schema.idSpaces[idSpaceIndex(sequences.itemIdSpace)]!;
    }
    throw unknownReference('schema', 'sparse field, side field or behavior', fieldName, [
      ...sparseNames,
      ...sideNames,
      ...behaviorNames,
    ]);
  };

  return Object.freeze({
    schema,
    idSpaceRows: Object.freeze(idSpaceRows),
    sparseFieldIdSpaces: Object.freeze(schema.sparseFields.map((field) => idSpaceIndex(field.idSpace))),
    itemIdSpace: sequences ? idSpaceIndex(sequences.itemIdSpace) : -1,
    sideFieldIdSpaces: Object.freeze(sequences?.sideFields.map((side) => idSpaceIndex(side.idSpace)) ?? []),
    targetFieldIndex: sequences ? sparseFieldIndex(sequences.targetField) : -1,
    targetSideFieldIndices: sequences?.targetSideFields
      ? Object.freeze(sequences.targetSideFields.map(sparseFieldIndex))
      : undefined,
    groupFieldIndex: schema.groupField !== undefined ? sparseFieldIndex(schema.groupField) : -1,
    sampleSpaceParents: Object.freeze(
      schema.tasks.map((task) =>
        task.sampleSpace === undefined || task.sampleSpace === 'all'
          ? -1
          : taskIndex(task.sampleSpace.positiveOf),
      ),
    ),
    sparseFieldIndex,
    denseFieldIndex: indexer(
      'dense field',
      schema.denseFields.map((field) => field.name),
    ),
    behaviorIndex: indexer('behavior', behaviorNames),
    taskIndex,
    idSpaceOf,
  });
}
