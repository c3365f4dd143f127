/**
 * The event log as a sorted, columnar index in typed arrays, from which each sample's behaviour
 * sequences are cut while the shards are written (no list per sample is ever built in SQL).
 *
 * Events are sorted by (user, behaviour, time, file order); `offsets[u * M + m]` is where user u's
 * events of behaviour m start. A sample of user u at time t sees, for behaviour m, the events of
 * its group with time strictly before t: a binary search gives c, the first event at or after t,
 * and the sequence is the group's items [max(start, c - L), c), oldest first, right-aligned in
 * the padded row (padding first, newest at index L - 1). An event at exactly the sample's time is
 * never "before" it.
 *
 * Memory: 16 bytes per used event (item int32, time float64, plus the sort done by DuckDB).
 */
import { ConfigError } from '@dtrn/base';
import { copyColumn } from '../duckdb/chunk-columns.js';
import type { DuckSession } from '../duckdb/session.js';
import { EVENT_USED } from './event-log.js';
import { type BuiltVocabulary, idSql, lookupJoin } from './vocabularies.js';

/** Table `user_key, uidx` of the event log's users: uidx is the user's index in the offsets. */
export const EVENT_USERS_TABLE = 'e__users';

/** More events than this are refused (about 32 GiB of typed arrays); prepare a smaller log. */
const MAX_EVENTS = 2 ** 31 - 1;

export interface EventIndex {
  readonly numBehaviors: number;
  readonly numUsers: number;
  /** [numUsers * M + 1]: start of each (user, behaviour) group in `items` / `times`. */
  readonly offsets: Int32Array;
  /** [events] mapped item ids, sorted by (user, behaviour, time, file order). */
  readonly items: Int32Array;
  /** [events] event times, aligned with `items`. */
  readonly times: Float64Array;
}

/** The join (alias `alias`) and the SQL of a sample's user in the index (-1: a user without events). */
export function eventUserSql(userKey: string, alias: string): { join: string; sql: string } {
  return {
    join: `LEFT JOIN ${EVENT_USERS_TABLE} ${alias} ON ${alias}.user_key = ${userKey}`,
    sql: `COALESCE(${alias}.uidx, -1)`,
  };
}

/** Reads the used events, sorted, into typed arrays. */
export async function buildEventIndex(
  session: DuckSession,
  numBehaviors: number,
  items: BuiltVocabulary,
): Promise<EventIndex> {
  // Users numbered through a join, not an ENUM: casts to a large ENUM are slow (vocabularies.ts).
  await session.run(
    `CREATE TABLE ${EVENT_USERS_TABLE} AS SELECT user_key, (row_number() OVER (ORDER BY user_key) - 1)::INTEGER AS uidx FROM (SELECT DISTINCT user_key FROM events WHERE ${EVENT_USED})`,
  );
  const [counts] = await session.rows(
    `SELECT count(*), (SELECT count(*) FROM ${EVENT_USERS_TABLE}) FROM events WHERE ${EVENT_USED}`,
  );
  const total = Number(counts![0]);
  const numUsers = Number(counts![1]);
  if (total > MAX_EVENTS) {
    throw new ConfigError(`the event log has ${total} used events, more than this preparation holds`, {
      expected: `at most ${MAX_EVENTS} events (filter or split the log)`,
    });
  }
  const groupCounts = new Int32Array(numUsers * numBehaviors + 1);
  const index: EventIndex = {
    numBehaviors,
    numUsers,
    offsets: groupCounts,
    items: new Int32Array(total),
    times: new Float64Array(total),
  };
  const join = lookupJoin(items, 'h', 'e.item_key');
  const item = idSql(items, 'e.item_key', 'h');
  const group = new Int32Array(2048);
  let at = 0;
  for await (const chunk of session.chunks(
    `SELECT (u.uidx * ${numBehaviors} + e.m)::INTEGER AS g, COALESCE(${item}, -1)::INTEGER AS item, e.t::DOUBLE AS t FROM events e JOIN ${EVENT_USERS_TABLE} u ON u.user_key = e.user_key ${join} WHERE ${EVENT_USED} ORDER BY g, t, e.rowid`,
  )) {
    const rows = chunk.rowCount;
    copyColumn(chunk, 0, group, 0);
    copyColumn(chunk, 1, index.items, at);
    copyColumn(chunk, 2, index.times, at);
    for (let i = 0; i < rows; i++) {
      groupCounts[group[i]! + 1]!++;
      // Every item has a row (the config refuses oov error for event-log items; hash rows cover
      // every key): a missing one is a bug here, never data to write.
      if (index.items[at + i]! < 0) throw new Error(`event index: event ${at + i} has no item row`);
    }
    at += rows;
  }
  // Counts per group -> start offsets (prefix sums).
  for (let g = 1; g < groupCounts.length; g++) groupCounts[g]! += groupCounts[g - 1]!;
  return index;
}

/**
 * Fills the padded sequences of `rows` samples starting at row `rowOffset` of `target` ([N * L]):
 * for sample i, user `users[i]` (-1: none) at time `times[rowOffset + i]`.
 */
export function fillEventSequences(
  index: EventIndex,
  behavior: number,
  users: Int32Array,
  times: Float64Array,
  target: Int32Array,
  rowOffset: number,
  rows: number,
  length: number,
): void {
  const { offsets, items, times: eventTimes, numBehaviors } = index;
  target.fill(0, rowOffset * length, (rowOffset + rows) * length);
  for (let i = 0; i < rows; i++) {
    const user = users[i]!;
    if (user < 0) continue;
    const group = user * numBehaviors + behavior;
    const start = offsets[group]!;
    const t = times[rowOffset + i]!;
    // c = first event of the group at or after t (events before t are [start, c)).
    let lo = start;
    let hi = offsets[group + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (eventTimes[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    const first = Math.max(start, lo - length);
    target.set(items.subarray(first, lo), (rowOffset + i) * length + length - (lo - first));
  }
}
