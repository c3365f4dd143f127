/**
 * Writes each vocabulary as `<dir>/<idSpace>.json` in `@dtrn/data`'s `VocabularyJson` format, so a
 * serving stack maps raw ids to the same rows (`Vocabulary.fromJSON(...).lookup(rawId)`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VOCABULARY_FORMAT, VOCABULARY_FORMAT_VERSION, type VocabularyJson } from '@dtrn/data';
import type { DuckSession } from '../duckdb/session.js';
import { ident } from '../duckdb/sql.js';
import type { BuiltVocabulary } from '../stages/vocabularies.js';

export async function writeVocabularies(
  session: DuckSession,
  vocabularies: readonly BuiltVocabulary[],
  dir: string,
) {
  await mkdir(dir, { recursive: true });
  const summary = [];
  for (const vocabulary of vocabularies) {
    const ids: string[] = [];
    const counts: number[] = [];
    for await (const chunk of session.chunks(
      `SELECT key, count FROM ${ident(vocabulary.vocabTable)} ORDER BY id`,
    )) {
      for (const key of chunk.getColumnValues(0)) ids.push(String(key));
      for (const count of chunk.getColumnValues(1)) counts.push(Number(count));
    }
    const { config } = vocabulary;
    const json: VocabularyJson = {
      format: VOCABULARY_FORMAT,
      version: VOCABULARY_FORMAT_VERSION,
      idSpace: config.name,
      oov: config.oov,
      ...(config.oov === 'hash' ? { hashBuckets: config.hashBuckets! } : {}),
      minFrequency: config.minFrequency,
      ids,
      counts,
    };
    await writeFile(join(dir, `${config.name}.json`), `${JSON.stringify(json)}\n`);
    summary.push({
      idSpace: config.name,
      knownIds: vocabulary.knownIds,
      size: vocabulary.spec.size,
      oov: config.oov,
    });
  }
  return summary;
}
