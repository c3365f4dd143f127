/** `fields` and the id spaces they define: categorical vocabularies and numeric transforms. */
import { ConfigError, checkEnum, checkNumber, checkNumberArray } from '@dtrn/base';
import { OOV_POLICIES, type OovPolicy } from '@dtrn/data';
import { object, optionalInteger, optionalText, required, schemaName, unique } from './check.js';
import { type FieldConfig, type IdSpaceConfig, NUMERIC_TRANSFORMS } from './types.js';

const FIELD_KEYS = [
  'name',
  'column',
  'type',
  'idSpace',
  'minFrequency',
  'oov',
  'hashBuckets',
  'transform',
  'buckets',
  'fill',
] as const;
const CATEGORICAL_ONLY = ['idSpace', 'minFrequency', 'oov', 'hashBuckets'] as const;
const NUMERIC_ONLY = ['transform', 'buckets', 'fill'] as const;

/** Explicit vocabulary settings of one field, merged per id space. */
interface IdSpaceRequest {
  readonly name: string;
  readonly where: string;
  readonly minFrequency: number | undefined;
  readonly oov: OovPolicy | undefined;
  readonly hashBuckets: number | undefined;
}

export function resolveField(
  value: unknown,
  where: string,
): { field: FieldConfig; idSpace?: IdSpaceRequest } {
  const raw = object(value, FIELD_KEYS, where);
  const name = schemaName(required(raw, 'name', where), `${where}.name`);
  const column = optionalText(raw.column, `${where}.column`) ?? name;
  const type = checkEnum(required(raw, 'type', where), ['categorical', 'numeric'] as const, `${where}.type`);
  const misplaced = (type === 'categorical' ? NUMERIC_ONLY : CATEGORICAL_ONLY).find(
    (key) => raw[key] !== undefined,
  );
  if (misplaced) {
    throw new ConfigError(
      `${where}.${misplaced} applies to ${type === 'categorical' ? 'numeric' : 'categorical'} fields only`,
      {
        found: `type: ${type}`,
      },
    );
  }
  if (type === 'categorical') {
    const idSpace = raw.idSpace === undefined ? name : schemaName(raw.idSpace, `${where}.idSpace`);
    const oov = raw.oov === undefined ? undefined : checkEnum(raw.oov, OOV_POLICIES, `${where}.oov`);
    return {
      field: { type, name, column, idSpace },
      idSpace: {
        name: idSpace,
        where,
        minFrequency: optionalInteger(raw.minFrequency, { min: 1 }, `${where}.minFrequency`),
        oov,
        hashBuckets: optionalInteger(raw.hashBuckets, { min: 1 }, `${where}.hashBuckets`),
      },
    };
  }
  const transform =
    raw.transform === undefined ? 'none' : checkEnum(raw.transform, NUMERIC_TRANSFORMS, `${where}.transform`);
  if (raw.buckets !== undefined && transform !== 'buckets') {
    throw new ConfigError(`${where}.buckets applies to transform "buckets" only`, {
      found: `transform: ${transform}`,
    });
  }
  let buckets: number | readonly number[] = 10;
  if (Array.isArray(raw.buckets)) {
    buckets = checkNumberArray(raw.buckets, {}, `${where}.buckets`);
    for (let i = 1; i < buckets.length; i++) {
      if (buckets[i]! <= buckets[i - 1]!) {
        throw new ConfigError(`${where}.buckets boundaries must increase`, { found: raw.buckets });
      }
    }
  } else if (raw.buckets !== undefined)
    buckets = checkNumber(raw.buckets, { integer: true, min: 2, max: 100_000 }, `${where}.buckets`);
  const fill = raw.fill === undefined ? undefined : checkNumber(raw.fill, {}, `${where}.fill`);
  return { field: { type, name, column, transform, buckets, fill, idSpace: name } };
}

/** Merges the vocabulary settings of the fields sharing each id space (conflicts are errors). */
export function mergeIdSpaces(requests: readonly IdSpaceRequest[]): IdSpaceConfig[] {
  const merged = new Map<string, { config: IdSpaceConfig; sources: Record<string, string> }>();
  for (const request of requests) {
    const entry = merged.get(request.name) ?? {
      config: { name: request.name, minFrequency: 1, oov: 'reserved', hashBuckets: undefined },
      sources: {},
    };
    const next: Record<string, unknown> = { ...entry.config };
    for (const key of ['minFrequency', 'oov', 'hashBuckets'] as const) {
      const value = request[key];
      if (value === undefined) continue;
      const source = entry.sources[key];
      if (source !== undefined && next[key] !== value) {
        throw new ConfigError(
          `${request.where}.${key}: id space "${request.name}" already has ${key} ${JSON.stringify(next[key])} from ${source}`,
          {
            expected: 'one setting per id space (fields sharing an id space share its vocabulary)',
            found: value,
          },
        );
      }
      next[key] = value;
      entry.sources[key] = request.where;
    }
    merged.set(request.name, { config: next as unknown as IdSpaceConfig, sources: entry.sources });
  }
  return [...merged.values()].map(({ config, sources }) => {
    if (config.oov === 'hash' && config.hashBuckets === undefined) {
      throw new ConfigError(`${sources.oov}: oov "hash" needs hashBuckets (the number of hash rows)`);
    }
    if (config.oov !== 'hash' && config.hashBuckets !== undefined) {
      throw new ConfigError(`${sources.hashBuckets}.hashBuckets applies to oov "hash" only`, {
        found: `oov: ${config.oov}`,
      });
    }
    return config;
  });
}

export function resolveFields(
  value: unknown,
  where: string,
): { fields: FieldConfig[]; requests: IdSpaceRequest[] } {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigError(`${where} is invalid`, { expected: 'a non-empty list of fields', found: value });
  }
  const resolved = value.map((item, index) => resolveField(item, `${where}[${index}]`));
  const fields = resolved.map((entry) => entry.field);
  unique(
    fields.map((field) => field.name),
    where,
    'field name',
  );
  return { fields, requests: resolved.flatMap((entry) => (entry.idSpace ? [entry.idSpace] : [])) };
}

export type { IdSpaceRequest };
