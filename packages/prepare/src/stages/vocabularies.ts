/**
 * Stage "vocabularies": one table `vocab_<space>` per id space, counted on the training split only:
 * ids seen at least minFrequency times, ordered by descending count with ties broken as
 * `@dtrn/data`'s VocabularyBuilder does (numeric ids by value first, then other ids as text), at
 * rows 1..K (`error`, `hash`) or 2..K+1 (`reserved`). Under `hash`, every unknown id of any split
 * gets its bucket row from FNV-1a, as `Vocabulary.lookup` computes it, in table `hash_<space>`.
 *
 * Lookups: a vocabulary of at most ENUM_MAX_KEYS ids maps through a DuckDB ENUM type (a cast per
 * value, no join: cheapest for the many small fields of a table like census), a larger one through
 * a join on a `key, id` table (an ENUM cast costs about 0.8 us per value at 200k ids against
 * 0.13 us for a hash join; equal near 10k ids; measured on 2M values).
 */
import { ConfigError } from '@dtrn/base';
import { fnv1a32, type IdSpaceSpec } from '@dtrn/data';
import type { IdSpaceConfig, TableConfig } from '../config/types.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident, literal } from '../duckdb/sql.js';
import { col, USED } from './build-rows.js';

const DECIMAL = `'-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?'`;
/** Largest vocabulary looked up through an ENUM cast; larger ones are joined. */
export const ENUM_MAX_KEYS = 10_000;

export interface BuiltVocabulary {
  readonly config: IdSpaceConfig;
  readonly knownIds: number;
  readonly spec: IdSpaceSpec;
  /** Table `key, count, id` of the known ids. */
  readonly vocabTable: string;
  /** ENUM type of the known ids in row order (small vocabularies only; undefined otherwise). */
  readonly enumType: string | undefined;
  /** Table `key VARCHAR, id INTEGER` of hashed unknown ids (`hash` only). */
  readonly hashTable: string | undefined;
  /**
   * Table `key, id` the lookup joins (see `lookupJoin`): the hashed ids (ENUM lookups under
   * `hash`), or the known and hashed ids (large vocabularies); undefined when nothing is joined.
   */
  readonly lookupTable: string | undefined;
}

/** The LEFT JOIN (aliased `alias`, on `key`) that `idSql` and `knownIdSql` need, or ''. */
export function lookupJoin(vocabulary: BuiltVocabulary, alias: string, key: string): string {
  const table = vocabulary.lookupTable;
  return table ? `LEFT JOIN ${ident(table)} ${alias} ON ${alias}.key = ${key}` : '';
}

/** SQL: the row of a known id (`key` is VARCHAR), NULL for an unknown one (`alias`: lookupJoin's). */
export function knownIdSql(vocabulary: BuiltVocabulary, key: string, alias: string): string {
  if (vocabulary.enumType !== undefined) {
    return `(enum_code(TRY_CAST(${key} AS ${ident(vocabulary.enumType)}))::INTEGER + ${firstKnownRow(vocabulary.config)})`;
  }
  if (vocabulary.knownIds === 0) return 'NULL::INTEGER';
  const firstHashRow = firstKnownRow(vocabulary.config) + vocabulary.knownIds;
  return vocabulary.hashTable
    ? `(CASE WHEN ${alias}.id < ${firstHashRow} THEN ${alias}.id END)`
    : `${alias}.id`;
}

/**
 * SQL: the row of any non-NULL `key`: known row, else 1 (`reserved`), NULL (`error`, checked
 * before) or the hashed row (`hash`); the caller adds `lookupJoin(vocabulary, alias, key)`.
 */
export function idSql(vocabulary: BuiltVocabulary, key: string, alias: string): string {
  if (vocabulary.enumType === undefined && vocabulary.knownIds > 0) {
    return `COALESCE(${alias}.id, ${vocabulary.config.oov === 'reserved' ? '1' : 'NULL'})`;
  }
  const unknown =
    vocabulary.config.oov === 'reserved' ? '1' : vocabulary.config.oov === 'hash' ? `${alias}.id` : 'NULL';
  return `COALESCE(${knownIdSql(vocabulary, key, alias)}, ${unknown})`;
}

export function firstKnownRow(config: IdSpaceConfig): number {
  return config.oov === 'reserved' ? 2 : 1;
}

/** SQL of every occurrence (`key`) of the id space in `rows`, restricted by `where`. */
function occurrences(
  config: TableConfig,
  space: string,
  where: string,
  eventKeys: string | undefined,
): string[] {
  const parts: string[] = [];
  config.fields.forEach((field, i) => {
    if (field.type === 'categorical' && field.idSpace === space) {
      parts.push(`SELECT ${col.key(i)} AS key FROM rows WHERE ${where} AND ${col.key(i)} IS NOT NULL`);
    }
  });
  if (config.sequences?.idSpace === space) {
    if (config.sequences.kind === 'list') {
      config.sequences.behaviors.forEach((_, m) => {
        parts.push(`SELECT unnest(${col.list(m)}) AS key FROM rows WHERE ${where}`);
      });
    } else if (eventKeys) parts.push(eventKeys);
  }
  return parts;
}

/**
 * Builds every categorical id space. `eventKeys(train)` gives the SQL of event-log item keys: the
 * events training samples can see (train) or all events (for hash rows).
 */
export async function buildVocabularies(
  session: DuckSession,
  config: TableConfig,
  eventKeys: (trainOnly: boolean) => string | undefined,
): Promise<BuiltVocabulary[]> {
  const built: BuiltVocabulary[] = [];
  for (const space of config.idSpaces) {
    const vocabTable = `vocab_${space.name}`;
    const train = occurrences(config, space.name, `${USED} AND __split = 'train'`, eventKeys(true));
    const offset = firstKnownRow(space) - 1;
    await session.run(
      `CREATE TABLE ${ident(vocabTable)} AS SELECT key, n AS count, (row_number() OVER (ORDER BY n DESC, NOT regexp_full_match(key, ${DECIMAL}), CASE WHEN regexp_full_match(key, ${DECIMAL}) THEN TRY_CAST(key AS DOUBLE) END, key) + ${offset})::INTEGER AS id FROM (SELECT key, count(*) AS n FROM (${train.join(' UNION ALL ')}) GROUP BY key HAVING count(*) >= ${space.minFrequency})`,
    );
    const [row] = await session.rows(`SELECT count(*) FROM ${ident(vocabTable)}`);
    const knownIds = Number(row?.[0] ?? 0);
    if (knownIds === 0 && space.oov === 'error') {
      throw new ConfigError(
        `id space "${space.name}": no id of the training split is seen ${space.minFrequency} time(s), and oov is "error"`,
        { expected: 'a lower minFrequency, or oov "reserved" or "hash"' },
      );
    }
    const enumType = knownIds > 0 && knownIds <= ENUM_MAX_KEYS ? `e_${space.name}` : undefined;
    if (enumType) {
      await session.run(
        `CREATE TYPE ${ident(enumType)} AS ENUM (SELECT key FROM ${ident(vocabTable)} ORDER BY id)`,
      );
    }
    const hashBuckets = space.oov === 'hash' ? space.hashBuckets! : 0;
    const hashTable = space.oov === 'hash' ? `hash_${space.name}` : undefined;
    if (hashTable)
      await addHashRows(session, config, space, knownIds, hashTable, vocabTable, eventKeys(false));
    const size = firstKnownRow(space) + knownIds + hashBuckets;
    const spec: IdSpaceSpec =
      space.oov === 'hash'
        ? { name: space.name, size, oov: 'hash', hashBuckets }
        : { name: space.name, size, oov: space.oov };
    let lookupTable = hashTable;
    if (knownIds > ENUM_MAX_KEYS) {
      lookupTable = `ids_${space.name}`;
      const hashed = hashTable ? ` UNION ALL SELECT key, id FROM ${ident(hashTable)}` : '';
      await session.run(
        `CREATE TABLE ${ident(lookupTable)} AS SELECT key, id FROM ${ident(vocabTable)}${hashed}`,
      );
    }
    built.push({ config: space, knownIds, spec, vocabTable, enumType, hashTable, lookupTable });
  }
  return built;
}

/** Adds `key -> bucket row` for every distinct unknown key of any split (hashed in JS, FNV-1a). */
async function addHashRows(
  session: DuckSession,
  config: TableConfig,
  space: IdSpaceConfig,
  knownIds: number,
  hashTable: string,
  vocabTable: string,
  allEvents: string | undefined,
): Promise<void> {
  await session.run(`CREATE TABLE ${ident(hashTable)} (key VARCHAR, id INTEGER)`);
  const all = occurrences(config, space.name, USED, allEvents);
  const base = firstKnownRow(space) + knownIds;
  const buckets = space.hashBuckets!;
  const unknown = await session.rows(
    `SELECT DISTINCT key FROM (${all.join(' UNION ALL ')}) ANTI JOIN ${ident(vocabTable)} USING (key) ORDER BY key`,
  );
  for (let start = 0; start < unknown.length; start += 8192) {
    const values = unknown.slice(start, start + 8192).map(([value]) => {
      const key = String(value);
      return `(${literal(key)}, ${base + (fnv1a32(key) % buckets)})`;
    });
    await session.run(`INSERT INTO ${ident(hashTable)} VALUES ${values.join(', ')}`);
  }
}
