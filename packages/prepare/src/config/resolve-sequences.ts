/** `sequences`: from list columns of the samples, or built from an event log. */
import { ConfigError, checkNumber } from '@dtrn/base';
import { MAX_SEQUENCE_LENGTH } from '@dtrn/data';
import {
  object,
  optionalText,
  type RawObject,
  reference,
  required,
  schemaName,
  text,
  unique,
} from './check.js';
import { fileSet, READ_KEYS } from './read-options.js';
import type { FieldConfig, ReadOptions, SequencesConfig } from './types.js';

const SEQUENCE_KEYS = ['target', 'idSpace', 'user', 'time', 'events', 'behaviors'] as const;
const BEHAVIOR_KEYS = ['name', 'maxLength', 'column', 'separator', 'behavior'] as const;
const EVENT_KEYS = ['file', 'user', 'item', 'behavior', 'time', ...READ_KEYS] as const;

function behaviorBase(raw: RawObject, where: string): { name: string; maxLength: number } {
  return {
    name: schemaName(required(raw, 'name', where), `${where}.name`),
    maxLength: checkNumber(
      required(raw, 'maxLength', where),
      { integer: true, min: 1, max: MAX_SEQUENCE_LENGTH },
      `${where}.maxLength`,
    ),
  };
}

export function resolveSequences(
  value: unknown,
  where: string,
  fields: readonly FieldConfig[],
  baseDir: string,
  topRead: ReadOptions,
): SequencesConfig {
  const raw = object(value, SEQUENCE_KEYS, where);
  const target = text(required(raw, 'target', where), `${where}.target`);
  const categorical = fields.filter((field) => field.type === 'categorical');
  reference(
    target,
    categorical.map((field) => field.name),
    `${where}.target`,
    'categorical field',
  );
  const targetSpace = categorical.find((field) => field.name === target)!.idSpace;
  const idSpace = raw.idSpace === undefined ? targetSpace : schemaName(raw.idSpace, `${where}.idSpace`);
  if (idSpace !== targetSpace) {
    throw new ConfigError(
      `${where}.idSpace: sequence items and the target field "${target}" must share one id space (target attention compares them)`,
      { expected: `"${targetSpace}" (the target's id space)`, found: idSpace },
    );
  }
  const rawBehaviors = required(raw, 'behaviors', where);
  if (!Array.isArray(rawBehaviors) || rawBehaviors.length === 0) {
    throw new ConfigError(`${where}.behaviors is invalid`, {
      expected: 'a non-empty list',
      found: rawBehaviors,
    });
  }
  const names = (behaviors: readonly { name: string }[]) =>
    unique(
      behaviors.map((b) => b.name),
      `${where}.behaviors`,
      'behavior name',
    );
  if (raw.events === undefined) {
    for (const key of ['user', 'time'] as const) {
      if (raw[key] !== undefined)
        throw new ConfigError(`${where}.${key} applies to sequences built from events only`);
    }
    const behaviors = rawBehaviors.map((item, index) => {
      const at = `${where}.behaviors[${index}]`;
      const entry = object(item, BEHAVIOR_KEYS, at);
      if (entry.behavior !== undefined) {
        throw new ConfigError(`${at}.behavior applies to sequences built from events only (use column)`);
      }
      return {
        ...behaviorBase(entry, at),
        column: text(required(entry, 'column', at), `${at}.column`),
        separator: optionalText(entry.separator, `${at}.separator`) ?? '|',
      };
    });
    names(behaviors);
    return { kind: 'list', target, idSpace, behaviors };
  }
  const eventsWhere = `${where}.events`;
  const events = object(raw.events, EVENT_KEYS, eventsWhere);
  const files = fileSet(
    required(events, 'file', eventsWhere),
    `${eventsWhere}.file`,
    events,
    eventsWhere,
    baseDir,
    topRead.nullValues,
  );
  const column = (key: 'user' | 'item' | 'behavior' | 'time') =>
    text(required(events, key, eventsWhere), `${eventsWhere}.${key}`);
  const log = {
    files,
    user: column('user'),
    item: column('item'),
    behavior: column('behavior'),
    time: column('time'),
  };
  const behaviors = rawBehaviors.map((item, index) => {
    const at = `${where}.behaviors[${index}]`;
    const entry = object(item, BEHAVIOR_KEYS, at);
    for (const key of ['column', 'separator'] as const) {
      if (entry[key] !== undefined)
        throw new ConfigError(`${at}.${key} applies to list columns only (events are given)`);
    }
    const base = behaviorBase(entry, at);
    const behaviorValue =
      entry.behavior === undefined
        ? base.name
        : typeof entry.behavior === 'number'
          ? String(entry.behavior)
          : text(entry.behavior, `${at}.behavior`);
    return { ...base, value: behaviorValue };
  });
  names(behaviors);
  unique(
    behaviors.map((b) => b.value),
    `${where}.behaviors`,
    'behavior value',
  );
  return {
    kind: 'events',
    target,
    idSpace,
    behaviors,
    events: log,
    user: optionalText(raw.user, `${where}.user`) ?? log.user,
    time: text(required(raw, 'time', where), `${where}.time`),
  };
}
