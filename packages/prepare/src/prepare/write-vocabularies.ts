/**
 * Writes `<dir>/vocabularies.json`: every vocabulary keyed by its id space, each in `@dtrn/data`'s
 * `VocabularyJson` format (the file `dtrn train` carries into its run and `dtrn export` into the
 * ONNX sidecar), so a serving stack maps raw ids to the same rows (`Vocabulary.fromJSON(...)`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VOCABULARY_FORMAT, VOCABULARY_FORMAT_VERSION, type VocabularyJson } from '@dtrn/data';
import type { DuckSession } from '../duckdb/session.js';
import { ident } from '../duckdb/sql.js';
import type { BuiltVocabulary } from '../stages/vocabularies.js';

/** The prepared directory's vocabularies file (the app reads it under this name). */
export const VOCABULARIES_FILE = 'vocabularies.json';

export async function writeVocabularies(
  session: DuckSession,
  vocabularies: readonly BuiltVocabulary[],
  dir: string,
) {
  await mkdir(dir, { recursive: true });
  const summary = [];
  const all: Record<string, VocabularyJson> = {};
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
    all[config.name] = json;
    summary.push({
      idSpace: config.name,
      knownIds: vocabulary.knownIds,
      size: vocabulary.spec.size,
      oov: config.oov,
    });
  }
  await writeFile(join(dir, VOCABULARIES_FILE), `${JSON.stringify(all)}\n`);
  return summary;
}
