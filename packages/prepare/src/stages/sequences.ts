/**
 * Stage "sequences", in the item id space, oldest first, at most maxLength long:
 *
 * - From list columns: per behaviour m a table `seq_<m>` of `(row_id, ids INTEGER[])` (row_id:
 *   `rows.rowid`), the row's list (already cut to its last maxLength items) mapped id by id.
 * - From an event log: the events sorted into typed arrays (`event-index.ts`); while the shards are
 *   written, each sample gets the last maxLength events of its user and behaviour strictly before
 *   its time (an event at exactly the sample's time is never "before").
 */
import type { SequencesConfig } from '../config/types.js';
import type { DuckSession } from '../duckdb/session.js';
import { col, USED } from './build-rows.js';
import { buildEventIndex, type EventIndex } from './event-index.js';
import { type BuiltVocabulary, idSql, lookupJoin } from './vocabularies.js';

export const seqTable = (m: number) => `seq_${m}`;

async function listSequences(
  session: DuckSession,
  sequences: SequencesConfig,
  items: BuiltVocabulary,
): Promise<void> {
  for (const [m] of sequences.behaviors.entries()) {
    const list = col.list(m);
    const sql = items.lookupTable
      ? `SELECT u.row_id, list(${idSql(items, 'u.key', 'h')} ORDER BY u.pos) AS ids FROM (SELECT rowid AS row_id, unnest(${list}) AS key, generate_subscripts(${list}, 1) AS pos FROM rows WHERE ${USED}) u ${lookupJoin(items, 'h', 'u.key')} GROUP BY u.row_id`
      : `SELECT rowid AS row_id, list_transform(${list}, x -> ${idSql(items, 'x', 'h')}) AS ids FROM rows WHERE ${USED} AND len(${list}) > 0`;
    await session.run(`CREATE TABLE ${seqTable(m)} AS ${sql}`);
  }
}

/**
 * List sequences become tables `seq_<m>`; event-log sequences become an `EventIndex` (typed
 * arrays) that the writer cuts each sample's sequences from.
 */
export async function buildSequences(
  session: DuckSession,
  sequences: SequencesConfig,
  items: BuiltVocabulary,
): Promise<EventIndex | undefined> {
  if (sequences.kind === 'list') {
    await listSequences(session, sequences, items);
    return undefined;
  }
  return buildEventIndex(session, sequences.behaviors.length, items);
}
