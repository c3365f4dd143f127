/**
 * Stage "sequences": per behaviour m a table `seq_<m>` of `(row_id, ids INTEGER[])` (row_id: `rows.rowid`), oldest
 * first, at most maxLength long, in the item id space.
 *
 * - From list columns: the row's list (already cut to its last maxLength items) mapped id by id.
 * - From an event log: for each sample, the last maxLength events of its user and behaviour
 *   strictly before the sample's time. Events are numbered k = 1, 2, ... per (user, behaviour) in
 *   time order; an as-of join finds c, the number of such events before the sample's time (ties
 *   collapsed, so an event at exactly the sample's time is never "before"); the sequence is events
 *   k = c - maxLength + 1 .. c: a slice of the (user, behaviour)'s item list, joined on the user.
 */
import type { SequencesConfig } from '../config/types.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident } from '../duckdb/sql.js';
import { col, USED } from './build-rows.js';
import { EVENT_USED } from './event-log.js';
import { type BuiltVocabulary, idSql } from './vocabularies.js';

export const seqTable = (m: number) => `seq_${m}`;

/** The join that `idSql(..., alias)` needs under `hash` (nothing otherwise). */
function hashJoin(items: BuiltVocabulary, alias: string, key: string): string {
  return items.hashTable ? `LEFT JOIN ${ident(items.hashTable)} ${alias} ON ${alias}.key = ${key}` : '';
}

async function listSequences(
  session: DuckSession,
  sequences: SequencesConfig,
  items: BuiltVocabulary,
): Promise<void> {
  for (const [m] of sequences.behaviors.entries()) {
    const list = col.list(m);
    const sql = items.hashTable
      ? `SELECT u.row_id, list(${idSql(items, 'u.key', 'h')} ORDER BY u.pos) AS ids FROM (SELECT rowid AS row_id, unnest(${list}) AS key, generate_subscripts(${list}, 1) AS pos FROM rows WHERE ${USED}) u ${hashJoin(items, 'h', 'u.key')} GROUP BY u.row_id`
      : `SELECT rowid AS row_id, list_transform(${list}, x -> ${idSql(items, 'x', 'h')}) AS ids FROM rows WHERE ${USED} AND len(${list}) > 0`;
    await session.run(`CREATE TABLE ${seqTable(m)} AS ${sql}`);
  }
}

async function eventSequences(
  session: DuckSession,
  sequences: SequencesConfig,
  items: BuiltVocabulary,
): Promise<void> {
  // Users as small integers through an ENUM of the event log's users (a hash lookup, no join).
  await session.run(
    `CREATE TYPE e__users AS ENUM (SELECT DISTINCT user_key FROM events WHERE ${EVENT_USED} ORDER BY 1)`,
  );
  const uidx = (key: string) => `enum_code(TRY_CAST(${key} AS e__users))::INTEGER`;
  // k numbers each (user, behaviour)'s events 1, 2, ... in time order (ties by file order).
  await session.run(
    `CREATE TABLE ev AS SELECT ${uidx('e.user_key')} AS uidx, e.m, e.t, ${idSql(items, 'e.item_key', 'h')} AS item, row_number() OVER (PARTITION BY uidx, e.m ORDER BY e.t, e.rowid) AS k FROM events e ${hashJoin(items, 'h', 'e.item_key')} WHERE ${EVENT_USED}`,
  );
  // Ties collapsed: at each time, the count of events up to and including it.
  await session.run('CREATE TABLE ev_last AS SELECT uidx, m, t, max(k) AS k FROM ev GROUP BY ALL');
  await session.run(
    `CREATE TABLE samples_at AS SELECT rowid AS row_id, ${uidx('__user')} AS uidx, __time AS t FROM rows WHERE ${USED} AND ${uidx('__user')} IS NOT NULL`,
  );
  // Each (user, behaviour)'s items as one list in k order: a sample's sequence is a slice of it.
  await session.run(
    'CREATE TABLE ev_lists AS SELECT uidx, m, list(item ORDER BY k) AS items FROM ev GROUP BY uidx, m',
  );
  for (const [m, behavior] of sequences.behaviors.entries()) {
    const L = behavior.maxLength;
    await session.run(
      `CREATE TABLE ${seqTable(m)} AS SELECT s.row_id, list_slice(u.items, greatest(l.k - ${L}, 0) + 1, l.k) AS ids FROM samples_at s ASOF JOIN (SELECT uidx, t, k FROM ev_last WHERE m = ${m}) l ON s.uidx = l.uidx AND s.t > l.t JOIN (SELECT uidx, items FROM ev_lists WHERE m = ${m}) u ON u.uidx = s.uidx`,
    );
  }
  await session.run('DROP TABLE ev_lists; DROP TABLE ev_last; DROP TABLE ev; DROP TABLE samples_at');
}

export async function buildSequences(
  session: DuckSession,
  sequences: SequencesConfig,
  items: BuiltVocabulary,
): Promise<void> {
  if (sequences.kind === 'list') await listSequences(session, sequences, items);
  else await eventSequences(session, sequences, items);
}
