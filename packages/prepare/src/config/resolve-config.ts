/**
 * Validates a table config strictly (unknown keys name the closest valid key, every message names
 * its key path) and fills the defaults. Column names are checked later, against the files.
 */
import { basename, isAbsolute, resolve } from 'node:path';
import { ConfigError, checkNumber, optionalEnum } from '@dtrn/base';
import {
  object,
  optionalInteger,
  optionalText,
  type RawObject,
  reference,
  required,
  schemaName,
  text,
  textList,
  unique,
} from './check.js';
import { fileSet, READ_KEYS } from './read-options.js';
import { mergeIdSpaces, resolveFields } from './resolve-fields.js';
import { resolveSequences } from './resolve-sequences.js';
import type { DuckdbConfig, FileSet, SplitConfig, SplitRule, TableConfig, TaskConfig } from './types.js';

export const TABLE_CONFIG_KEYS = [
  'name',
  'file',
  'files',
  'split',
  ...READ_KEYS,
  'filter',
  'fields',
  'sequences',
  'tasks',
  'group',
  'badInput',
  'labels',
  'limitRows',
  'duckdb',
] as const;

const WHERE = 'dataset config';

function resolveSplitRule(value: unknown, where: string): SplitRule {
  if (value === 'random') return { kind: 'random' };
  if (typeof value === 'string') return { kind: 'column', column: text(value, where) };
  const raw = object(value, ['column', 'time'], where);
  if ((raw.column === undefined) === (raw.time === undefined)) {
    throw new ConfigError(`${where} is invalid`, {
      expected: '"random", a column name, { column: <name> } or { time: <column> }',
      found: value,
    });
  }
  return raw.time !== undefined
    ? { kind: 'time', column: text(raw.time, `${where}.time`) }
    : { kind: 'column', column: text(raw.column, `${where}.column`) };
}

function resolveSplit(value: unknown, carveOnly: boolean): SplitConfig {
  const where = `${WHERE}.split`;
  const raw = object(value ?? {}, ['by', 'validation', 'test', 'seed'], where);
  const fraction = (key: 'validation' | 'test', fallback: number) =>
    raw[key] === undefined ? fallback : checkNumber(raw[key], { min: 0, below: 1 }, `${where}.${key}`);
  const validation = fraction('validation', 0.1);
  const test = fraction('test', carveOnly ? 0 : 0.1);
  if (carveOnly && test !== 0) {
    throw new ConfigError(`${where}.test: the test split comes from files.test`, {
      expected: 'no split.test with files',
      found: test,
    });
  }
  if (validation + test >= 1) {
    throw new ConfigError(`${where}: validation + test must leave rows for training`, {
      expected: 'validation + test < 1',
      found: validation + test,
    });
  }
  return {
    rule: raw.by === undefined ? { kind: 'random' } : resolveSplitRule(raw.by, `${where}.by`),
    validation,
    test,
    seed: optionalInteger(raw.seed, { min: 0, max: 2 ** 31 - 1 }, `${where}.seed`) ?? 0,
  };
}

function resolveSources(raw: RawObject, baseDir: string): Pick<TableConfig, 'sources' | 'split'> {
  if ((raw.file === undefined) === (raw.files === undefined)) {
    throw new ConfigError(
      `${WHERE}: give either "file" (one table, split by "split") or "files" (one per split)`,
      {
        expected: 'exactly one of file, files',
      },
    );
  }
  const set = (value: unknown, at: string): FileSet => fileSet(value, at, raw, WHERE, baseDir);
  if (raw.file !== undefined) {
    if (typeof raw.file !== 'string') {
      throw new ConfigError(`${WHERE}.file is invalid`, { expected: 'one path or glob', found: raw.file });
    }
    return {
      sources: { kind: 'file', file: set(raw.file, `${WHERE}.file`) },
      split: resolveSplit(raw.split, false),
    };
  }
  const files = object(raw.files, ['train', 'validation', 'test'], `${WHERE}.files`);
  const train = set(required(files, 'train', `${WHERE}.files`), `${WHERE}.files.train`);
  const test = set(required(files, 'test', `${WHERE}.files`), `${WHERE}.files.test`);
  if (files.validation !== undefined) {
    if (raw.split !== undefined) {
      throw new ConfigError(`${WHERE}.split: every split has its files (files.validation is given)`, {
        expected: 'no split key with files.train, files.validation and files.test',
      });
    }
    const validation = set(files.validation, `${WHERE}.files.validation`);
    return { sources: { kind: 'files', train, validation, test }, split: undefined };
  }
  return { sources: { kind: 'files', train, test }, split: resolveSplit(raw.split, true) };
}

function resolveTasks(value: unknown, strict: boolean): TaskConfig[] {
  const where = `${WHERE}.tasks`;
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigError(`${where} is invalid`, { expected: 'a non-empty list of tasks', found: value });
  }
  const tasks = value.map((item, index): TaskConfig => {
    const at = `${where}[${index}]`;
    const raw = object(item, ['name', 'column', 'positive', 'negative', 'threshold', 'sampleSpace'], at);
    const name = schemaName(required(raw, 'name', at), `${at}.name`);
    if ((raw.positive === undefined) === (raw.threshold === undefined)) {
      throw new ConfigError(`${at}: give either positive (label values) or threshold (numeric labels)`, {
        expected: 'exactly one of positive, threshold',
      });
    }
    if (raw.negative !== undefined && raw.positive === undefined) {
      throw new ConfigError(`${at}.negative applies with positive only`);
    }
    const positive = raw.positive === undefined ? undefined : textList(raw.positive, `${at}.positive`);
    const negative = raw.negative === undefined ? undefined : textList(raw.negative, `${at}.negative`);
    if (strict && positive && !negative) {
      throw new ConfigError(`${at}: labels "strict" needs the negative values too (negative: [...])`, {
        expected: 'negative: the values that mean 0; any other value is bad input',
      });
    }
    const overlap = positive?.find((v) => negative?.includes(v));
    if (overlap !== undefined) throw new ConfigError(`${at}: "${overlap}" is both positive and negative`);
    return {
      name,
      column: optionalText(raw.column, `${at}.column`) ?? name,
      positive,
      negative,
      threshold: raw.threshold === undefined ? undefined : checkNumber(raw.threshold, {}, `${at}.threshold`),
      sampleSpace: optionalText(raw.sampleSpace, `${at}.sampleSpace`),
    };
  });
  unique(
    tasks.map((task) => task.name),
    where,
    'task name',
  );
  tasks.forEach((task, index) => {
    if (task.sampleSpace === undefined) return;
    const earlier = tasks.slice(0, index).map((t) => t.name);
    reference(task.sampleSpace, earlier, `${where}[${index}].sampleSpace`, 'earlier task');
  });
  return tasks;
}

function resolveDuckdb(value: unknown, baseDir: string): DuckdbConfig {
  const where = `${WHERE}.duckdb`;
  const raw = object(value ?? {}, ['memoryLimit', 'tempDirectory', 'threads'], where);
  const memoryLimit = optionalText(raw.memoryLimit, `${where}.memoryLimit`);
  if (
    memoryLimit !== undefined &&
    !/^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)\s*$/i.test(memoryLimit)
  ) {
    throw new ConfigError(`${where}.memoryLimit is invalid`, {
      expected: 'a size such as "4GB" or "512MiB"',
      found: memoryLimit,
    });
  }
  const temp = optionalText(raw.tempDirectory, `${where}.tempDirectory`);
  return {
    memoryLimit,
    tempDirectory: temp === undefined ? undefined : isAbsolute(temp) ? temp : resolve(baseDir, temp),
    threads: optionalInteger(raw.threads, { min: 1, max: 1024 }, `${where}.threads`),
  };
}

/**
 * The validated config. `configPath` names the file (relative paths in it resolve against its
 * directory, and its name is the default `name`).
 */
export function resolveTableConfig(value: unknown, configPath: string): TableConfig {
  const raw = object(value, TABLE_CONFIG_KEYS, WHERE);
  const baseDir = resolve(configPath, '..');
  const name =
    raw.name === undefined
      ? basename(configPath).replace(/\.(ya?ml|json)$/i, '')
      : schemaName(raw.name, `${WHERE}.name`);
  const { sources, split } = resolveSources(raw, baseDir);
  const topRead = sources.kind === 'file' ? sources.file.read : sources.train.read;
  const { fields, requests } = resolveFields(required(raw, 'fields', WHERE), `${WHERE}.fields`);
  const sequences =
    raw.sequences === undefined
      ? undefined
      : resolveSequences(raw.sequences, `${WHERE}.sequences`, fields, baseDir, topRead);
  const idSpaces = mergeIdSpaces(requests);
  if (
    sequences?.kind === 'events' &&
    idSpaces.find((space) => space.name === sequences.idSpace)?.oov === 'error'
  ) {
    throw new ConfigError(
      `${WHERE}.fields: the item id space "${sequences.idSpace}" has oov "error", but an event log brings items no training sample saw`,
      { expected: 'oov "reserved" or "hash" for the target field' },
    );
  }
  for (const field of fields) {
    if (
      field.type === 'numeric' &&
      field.transform === 'buckets' &&
      idSpaces.some((space) => space.name === field.idSpace)
    ) {
      throw new ConfigError(
        `${WHERE}.fields: the bucket ids of "${field.name}" need their own id space, but a categorical field uses "${field.idSpace}"`,
      );
    }
  }
  const labels = optionalEnum(raw.labels, 'lenient', ['strict', 'lenient'] as const, `${WHERE}.labels`);
  const tasks = resolveTasks(required(raw, 'tasks', WHERE), labels === 'strict');
  unique([...fields.map((f) => f.name), ...tasks.map((t) => t.name)], WHERE, 'field or task name');
  let group: TableConfig['group'];
  if (raw.group !== undefined) {
    const column = text(raw.group, `${WHERE}.group`);
    const field = fields.find((f) => f.name === column && f.type === 'categorical');
    group = field ? { field: field.name } : { column };
  }
  return {
    name,
    baseDir,
    sources,
    split,
    filter: optionalText(raw.filter, `${WHERE}.filter`),
    fields,
    idSpaces,
    sequences,
    tasks,
    group,
    badInput: optionalEnum(raw.badInput, 'error', ['error', 'skip'] as const, `${WHERE}.badInput`),
    labels,
    limitRows: optionalInteger(raw.limitRows, { min: 1 }, `${WHERE}.limitRows`),
    duckdb: resolveDuckdb(raw.duckdb, baseDir),
  };
}
