/**
 * What a trained run knows about its data and the scorer reuses instead of recomputing from the new
 * file: the raw-id vocabularies (`vocabularies.json`, keyed by id space) and the training split's
 * numeric statistics (`prepare.json`'s `report.numeric`). Every vocabulary becomes a DuckDB ENUM
 * type, whatever its size (`prepareTable` joins vocabularies over 10,000 ids, which is faster): a
 * cast keeps scoring one projection over the file, streamed in file order with no join.
 */
import { ConfigError } from '@dtrn/base';
import { type IdSpaceSpec, Vocabulary, type VocabularyJson } from '@dtrn/data';
import type { NumericField, TableConfig } from '../config/types.js';
import { type DuckSession, FNV1A32_FUNCTION } from '../duckdb/session.js';
import { ident, literal } from '../duckdb/sql.js';
import { bucketSpace, type NumericStatistics } from '../stages/numeric-transforms.js';
import { type BuiltVocabulary, knownIdSql } from '../stages/vocabularies.js';

/** The training-time state a scorer applies. */
export interface SavedPreparation {
  /** Raw-id vocabularies by id space (the run's `vocabularies.json`). */
  readonly vocabularies: Readonly<Record<string, VocabularyJson>>;
  /** Numeric statistics of the training split (`prepare.json`'s `report.numeric`). */
  readonly numeric: readonly NumericStatistics[];
}

/** Loads each id space the config uses from the saved vocabularies (its OOV policy included). */
export async function loadSavedVocabularies(
  session: DuckSession,
  config: TableConfig,
  saved: SavedPreparation['vocabularies'],
): Promise<BuiltVocabulary[]> {
  const built: BuiltVocabulary[] = [];
  for (const space of config.idSpaces) {
    const json = saved[space.name];
    if (json === undefined) {
      const users = config.fields.filter((f) => f.type === 'categorical' && f.idSpace === space.name);
      throw new ConfigError(
        `the run has no vocabulary for id space "${space.name}" (field ${users.map((f) => `"${f.name}"`).join(', ')} of the dataset config)`,
        { expected: `one of the run's id spaces: ${Object.keys(saved).join(', ') || 'none'}` },
      );
    }
    const vocabulary = Vocabulary.fromJSON(json, `the run's vocabulary of "${space.name}"`);
    const vocabTable = `vocab_${space.name}`;
    await session.run(`CREATE TABLE ${ident(vocabTable)} (key VARCHAR, id INTEGER)`);
    const ids = vocabulary.knownIds;
    for (let start = 0; start < ids.length; start += 8192) {
      const values = ids
        .slice(start, start + 8192)
        .map((key, i) => `(${literal(key)}, ${vocabulary.firstKnownRow + start + i})`);
      await session.run(`INSERT INTO ${ident(vocabTable)} VALUES ${values.join(', ')}`);
    }
    const enumType = ids.length > 0 ? `e_${space.name}` : undefined;
    if (enumType) {
      await session.run(
        `CREATE TYPE ${ident(enumType)} AS ENUM (SELECT key FROM ${ident(vocabTable)} ORDER BY id)`,
      );
    }
    const spec: IdSpaceSpec = vocabulary.toIdSpaceSpec();
    built.push({
      config: {
        name: space.name,
        minFrequency: vocabulary.minFrequency,
        oov: vocabulary.oov,
        hashBuckets: vocabulary.oov === 'hash' ? vocabulary.hashBuckets : undefined,
      },
      knownIds: ids.length,
      spec,
      vocabTable,
      enumType,
      hashTable: undefined,
      lookupTable: undefined,
    });
  }
  return built;
}

/**
 * SQL: the row of a non-NULL `key` under the saved vocabulary: its own row, else by the OOV policy:
 * 1 (`reserved`), a hash bucket (`hash`: FNV-1a through `dtrn_fnv1a32`, as `Vocabulary.lookup`), or
 * NULL (`error`: such rows are bad input, checked separately).
 */
export function savedIdSql(vocabulary: BuiltVocabulary, key: string): string {
  const { oov } = vocabulary.config;
  const first = oov === 'reserved' ? 2 : 1;
  const unknown =
    oov === 'reserved'
      ? '1'
      : oov === 'hash'
        ? `(${first + vocabulary.knownIds} + ${FNV1A32_FUNCTION}(${key}) % ${vocabulary.config.hashBuckets})::INTEGER`
        : 'NULL::INTEGER';
  return `COALESCE(${knownIdSql(vocabulary, key, '')}, ${unknown})`;
}

/** Each numeric field's saved statistics (same transform), and the bucket id spaces. */
export function savedNumeric(
  config: TableConfig,
  saved: SavedPreparation['numeric'],
): { readonly statistics: ReadonlyMap<number, NumericStatistics>; readonly bucketSpaces: IdSpaceSpec[] } {
  const statistics = new Map<number, NumericStatistics>();
  const bucketSpaces: IdSpaceSpec[] = [];
  config.fields.forEach((field, i) => {
    if (field.type !== 'numeric') return;
    const stats = saved.find((s) => s.field === field.name);
    if (!stats) {
      throw new ConfigError(`the run has no statistics for numeric field "${field.name}"`, {
        expected: `a field the run was prepared with: ${saved.map((s) => s.field).join(', ') || 'none'}`,
      });
    }
    if (stats.transform !== field.transform) {
      throw new ConfigError(
        `numeric field "${field.name}": the dataset config says transform "${field.transform}", the run was prepared with "${stats.transform}"`,
        { expected: `transform: ${stats.transform}` },
      );
    }
    statistics.set(i, stats);
    if (field.transform === 'buckets')
      bucketSpaces.push(bucketSpace(field as NumericField, stats.boundaries ?? []));
  });
  return { statistics, bucketSpaces };
}
