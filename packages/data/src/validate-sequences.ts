/** Strict validation of the `sequences` part of a schema (see validate-schema.ts). */
import { ConfigError, checkNumber } from '@dtrn/base';
import {
  checkArray,
  checkName,
  checkObject,
  checkUnique,
  requireKey,
  unknownReference,
} from './schema-checks.js';
import type {
  BehaviorSpec,
  IdSpaceSpec,
  SequenceSideFieldSpec,
  SequencesSpec,
  SparseFieldSpec,
} from './types.js';

/** Longest sequence a schema may declare (elements per behavior and row). */
export const MAX_SEQUENCE_LENGTH = 100_000;

const SEQUENCES_KEYS = ['behaviors', 'itemIdSpace', 'sideFields', 'targetField', 'targetSideFields'];

export function validateSequencesSpec(
  raw: unknown,
  where: string,
  idSpaces: readonly IdSpaceSpec[],
  sparseFields: readonly SparseFieldSpec[],
): SequencesSpec {
  const object = checkObject(raw, SEQUENCES_KEYS, where);
  const idSpaceNames = idSpaces.map((space) => space.name);
  const sparseNames = sparseFields.map((field) => field.name);
  const checkIdSpace = (value: unknown, path: string): string => {
    if (typeof value !== 'string' || !idSpaceNames.includes(value)) {
      throw unknownReference(path, 'id space', value, idSpaceNames);
    }
    return value;
  };

  const behaviorNames = new Map<string, string>();
  const behaviors = checkArray(requireKey(object, 'behaviors', where), `${where}.behaviors`).map(
    (item, index): BehaviorSpec => {
      const behaviorWhere = `${where}.behaviors[${index}]`;
      const behavior = checkObject(item, ['name', 'maxLength'], behaviorWhere);
      const name = checkName(requireKey(behavior, 'name', behaviorWhere), `${behaviorWhere}.name`);
      checkUnique(name, behaviorNames, behaviorWhere, 'behavior');
      const maxLength = checkNumber(
        requireKey(behavior, 'maxLength', behaviorWhere),
        { integer: true, min: 1, max: MAX_SEQUENCE_LENGTH },
        `${behaviorWhere}.maxLength`,
      );
      return Object.freeze({ name, maxLength });
    },
  );

  const itemIdSpace = checkIdSpace(requireKey(object, 'itemIdSpace', where), `${where}.itemIdSpace`);

  const sideNames = new Map<string, string>();
  const sideFields = checkArray(object.sideFields ?? [], `${where}.sideFields`, { allowEmpty: true }).map(
    (item, index): SequenceSideFieldSpec => {
      const sideWhere = `${where}.sideFields[${index}]`;
      const side = checkObject(item, ['name', 'idSpace'], sideWhere);
      const name = checkName(requireKey(side, 'name', sideWhere), `${sideWhere}.name`);
      checkUnique(name, sideNames, sideWhere, 'side field');
      const idSpace = checkIdSpace(requireKey(side, 'idSpace', sideWhere), `${sideWhere}.idSpace`);
      return Object.freeze({ name, idSpace });
    },
  );

  const targetName = requireKey(object, 'targetField', where);
  const target = sparseFields.find((field) => field.name === targetName);
  if (!target) throw unknownReference(`${where}.targetField`, 'sparse field', targetName, sparseNames);
  if (target.idSpace !== itemIdSpace) {
    throw new ConfigError(`${where}.targetField "${target.name}" is not in the item id space`, {
      expected: `a sparse field with idSpace "${itemIdSpace}"`,
      found: `idSpace "${target.idSpace}"`,
    });
  }

  let targetSideFields: readonly string[] | undefined;
  if (object.targetSideFields !== undefined) {
    const list = checkArray(object.targetSideFields, `${where}.targetSideFields`, { allowEmpty: true });
    if (list.length !== sideFields.length) {
      throw new ConfigError(`${where}.targetSideFields must align with sideFields`, {
        expected: `${sideFields.length} field names`,
        found: `${list.length}`,
      });
    }
    targetSideFields = Object.freeze(
      list.map((name, index) => {
        const path = `${where}.targetSideFields[${index}]`;
        const field = sparseFields.find((candidate) => candidate.name === name);
        if (!field) throw unknownReference(path, 'sparse field', name, sparseNames);
        const side = sideFields[index]!;
        if (field.idSpace !== side.idSpace) {
          throw new ConfigError(
            `${path} "${field.name}" does not share the id space of side field "${side.name}"`,
            {
              expected: `idSpace "${side.idSpace}"`,
              found: `idSpace "${field.idSpace}"`,
            },
          );
        }
        return field.name;
      }),
    );
  }

  return Object.freeze({
    behaviors: Object.freeze(behaviors),
    itemIdSpace,
    sideFields: Object.freeze(sideFields),
    targetField: target.name,
    ...(targetSideFields ? { targetSideFields } : {}),
  });
}
