/**
 * Strict validation of a dataset schema (a JSON object from a config file or a preset). Unknown
 * keys name the closest valid key, names must be unique, references must resolve, and the result is
 * a complete, deeply frozen `DatasetSchema` (defaults filled in: `denseFields: []`,
 * `sampleSpace: 'all'`).
 */
import { ConfigError, checkEnum, checkNumber } from '@dtrn/base';
import {
  checkArray,
  checkName,
  checkObject,
  checkUnique,
  requireKey,
  unknownReference,
} from './schema-checks.js';
import type {
  DatasetSchema,
  DenseFieldSpec,
  IdSpaceSpec,
  OovPolicy,
  SampleSpace,
  SparseFieldSpec,
  TaskSpec,
} from './types.js';
import { validateSequencesSpec } from './validate-sequences.js';

/** The OOV policies, in documentation order. */
export const OOV_POLICIES: readonly OovPolicy[] = Object.freeze(['error', 'reserved', 'hash']);

/** Largest table a schema may declare (rows of one id space); Int32 ids must address every row. */
export const MAX_ID_SPACE_ROWS = 2 ** 31 - 1;

const SCHEMA_KEYS = ['idSpaces', 'sparseFields', 'denseFields', 'sequences', 'tasks', 'groupField'];

function validateIdSpace(raw: unknown, where: string): IdSpaceSpec {
  const object = checkObject(raw, ['name', 'size', 'oov', 'hashBuckets'], where);
  const name = checkName(requireKey(object, 'name', where), `${where}.name`);
  const size = checkNumber(
    requireKey(object, 'size', where),
    { integer: true, min: 2, max: MAX_ID_SPACE_ROWS },
    `${where}.size`,
  );
  const oov = checkEnum(requireKey(object, 'oov', where), OOV_POLICIES, `${where}.oov`);
  if (oov !== 'hash') {
    if (object.hashBuckets !== undefined) {
      throw new ConfigError(`${where}.hashBuckets is only allowed with oov "hash"`, {
        expected: 'no hashBuckets',
        found: `oov "${oov}" with hashBuckets ${String(object.hashBuckets)}`,
      });
    }
    return Object.freeze({ name, size, oov });
  }
  const hashBuckets = checkNumber(
    requireKey(object, 'hashBuckets', where),
    { integer: true, min: 1, max: size - 1 },
    `${where}.hashBuckets`,
  );
  return Object.freeze({ name, size, oov, hashBuckets });
}

function validateTask(raw: unknown, where: string, earlierTasks: readonly string[]): TaskSpec {
  const object = checkObject(raw, ['name', 'sampleSpace'], where);
  const name = checkName(requireKey(object, 'name', where), `${where}.name`);
  const rawSpace = object.sampleSpace ?? 'all';
  let sampleSpace: SampleSpace;
  if (rawSpace === 'all') sampleSpace = 'all';
  else if (typeof rawSpace === 'string') {
    throw new ConfigError(`${where}.sampleSpace is invalid`, {
      expected: '"all" or { positiveOf: "<earlier task>" }',
      found: rawSpace,
    });
  } else {
    const spaceWhere = `${where}.sampleSpace`;
    const space = checkObject(rawSpace, ['positiveOf'], spaceWhere);
    const parent = checkName(requireKey(space, 'positiveOf', spaceWhere), `${spaceWhere}.positiveOf`);
    if (parent === name) {
      throw new ConfigError(`${spaceWhere}.positiveOf names the task itself`, {
        expected: 'an earlier task',
        found: parent,
      });
    }
    if (!earlierTasks.includes(parent)) {
      // Requiring an earlier task rules out cycles and makes masks computable in schema order.
      throw unknownReference(
        `${spaceWhere}.positiveOf (must name an earlier task)`,
        'task',
        parent,
        earlierTasks,
      );
    }
    sampleSpace = Object.freeze({ positiveOf: parent });
  }
  return Object.freeze({ name, sampleSpace });
}

/**
 * Validates a raw schema strictly and returns it complete and frozen. Throws ConfigError naming the
 * path (`schema.sparseFields[2].idSpace`) for unknown keys, duplicate names, dangling references,
 * bad sizes, `hashBuckets` without `oov: 'hash'`, sample spaces not naming an earlier task, and
 * sequence definitions inconsistent with the id spaces.
 */
export function validateSchema(raw: unknown, where = 'schema'): DatasetSchema {
  const object = checkObject(raw, SCHEMA_KEYS, where);

  const idSpaceNames = new Map<string, string>();
  const idSpaces = checkArray(requireKey(object, 'idSpaces', where), `${where}.idSpaces`, {
    allowEmpty: true,
  }).map((item, index) => {
    const spec = validateIdSpace(item, `${where}.idSpaces[${index}]`);
    checkUnique(spec.name, idSpaceNames, `${where}.idSpaces[${index}]`, 'id space');
    return spec;
  });
  const knownIdSpaces = idSpaces.map((space) => space.name);

  const fieldNames = new Map<string, string>();
  const sparseFields = checkArray(requireKey(object, 'sparseFields', where), `${where}.sparseFields`, {
    allowEmpty: true,
  }).map((item, index): SparseFieldSpec => {
    const fieldWhere = `${where}.sparseFields[${index}]`;
    const field = checkObject(item, ['name', 'idSpace'], fieldWhere);
    const name = checkName(requireKey(field, 'name', fieldWhere), `${fieldWhere}.name`);
    checkUnique(name, fieldNames, fieldWhere, 'field');
    const idSpace = requireKey(field, 'idSpace', fieldWhere);
    if (typeof idSpace !== 'string' || !idSpaceNames.has(idSpace)) {
      throw unknownReference(`${fieldWhere}.idSpace`, 'id space', idSpace, knownIdSpaces);
    }
    return Object.freeze({ name, idSpace });
  });

  const denseFields = checkArray(object.denseFields ?? [], `${where}.denseFields`, { allowEmpty: true }).map(
    (item, index): DenseFieldSpec => {
      const fieldWhere = `${where}.denseFields[${index}]`;
      const field = checkObject(item, ['name'], fieldWhere);
      const name = checkName(requireKey(field, 'name', fieldWhere), `${fieldWhere}.name`);
      checkUnique(name, fieldNames, fieldWhere, 'field');
      return Object.freeze({ name });
    },
  );

  const sequences =
    object.sequences === undefined
      ? undefined
      : validateSequencesSpec(object.sequences, `${where}.sequences`, idSpaces, sparseFields);

  const taskNames: string[] = [];
  const taskSeen = new Map<string, string>();
  const tasks = checkArray(requireKey(object, 'tasks', where), `${where}.tasks`).map((item, index) => {
    const task = validateTask(item, `${where}.tasks[${index}]`, taskNames);
    checkUnique(task.name, taskSeen, `${where}.tasks[${index}]`, 'task');
    taskNames.push(task.name);
    return task;
  });

  let groupField: string | undefined;
  if (object.groupField !== undefined) {
    const sparseNames = sparseFields.map((field) => field.name);
    if (typeof object.groupField !== 'string' || !sparseNames.includes(object.groupField)) {
      throw unknownReference(`${where}.groupField`, 'sparse field', object.groupField, sparseNames);
    }
    groupField = object.groupField;
  }

  if (sparseFields.length + denseFields.length + (sequences?.behaviors.length ?? 0) === 0) {
    throw new ConfigError(`${where}: the schema declares no features`, {
      expected: 'at least one sparse field, dense field or behavior sequence',
    });
  }

  const schema: DatasetSchema = {
    idSpaces: Object.freeze(idSpaces),
    sparseFields: Object.freeze(sparseFields),
    denseFields: Object.freeze(denseFields),
    ...(sequences ? { sequences } : {}),
    tasks: Object.freeze(tasks),
    ...(groupField !== undefined ? { groupField } : {}),
  };
  return Object.freeze(schema);
}
