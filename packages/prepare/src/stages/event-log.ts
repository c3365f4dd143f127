/**
 * Stage "events": reads the event log into `events` (user, item, behaviour index, time) with the
 * same bad-input policy as the samples. Events of a behaviour the config does not name are
 * filtered (counted). Returns the counts and the SQL of the item keys each vocabulary counts.
 */
import { DataError } from '@dtrn/base';
import type { EventBehavior, EventLogConfig, TableConfig } from '../config/types.js';
import type { DuckSession } from '../duckdb/session.js';
import { ident, literalList } from '../duckdb/sql.js';
import { loadSource, requireColumn, type SourceTable } from '../read/load-source.js';
import { locateRow, rejectedLines } from '../read/locate.js';
import { blankSql, malformedSql, valueSql } from '../read/source-values.js';
import { USED } from './build-rows.js';
import { type RowCheck, timeSql } from './row-checks.js';

/** Events that are used: not blank, not bad, of a configured behaviour. */
export const EVENT_USED = '(NOT __blank AND __bad IS NULL AND m IS NOT NULL)';

export interface EventCounts {
  read: number;
  used: number;
  skipped: number;
  filtered: number;
  readonly skippedByReason: { reason: string; count: number }[];
}

function eventChecks(source: SourceTable, log: EventLogConfig): RowCheck[] {
  const checks: RowCheck[] = [];
  if (malformedSql(source) !== 'false') {
    checks.push({
      reason: 'malformed line',
      expected: 'a JSON object',
      column: undefined,
      condition: malformedSql(source),
    });
  }
  for (const [what, column] of [
    ['user', log.user],
    ['item', log.item],
    ['behavior', log.behavior],
    ['time', log.time],
  ] as const) {
    checks.push({
      reason: `missing ${what}`,
      expected: `a ${what}`,
      column,
      condition: `${valueSql(source, column)} IS NULL`,
    });
  }
  const time = timeSql(valueSql(source, log.time));
  checks.push({
    reason: 'time is not a number or timestamp',
    expected: 'a number or an ISO timestamp',
    column: log.time,
    condition: `${time} IS NULL OR NOT isfinite(${time})`,
  });
  return checks;
}

/** Loads and checks the event log into table `events`; throws on bad input under `error`. */
export async function loadEvents(
  session: DuckSession,
  config: TableConfig,
  log: EventLogConfig,
  behaviors: readonly EventBehavior[],
): Promise<EventCounts> {
  const source = await loadSource(session, log.files, 'events_src', undefined);
  for (const key of ['user', 'item', 'behavior', 'time'] as const) {
    requireColumn(source, log[key], `dataset config.sequences.events.${key}`);
  }
  const checks = eventChecks(source, log);
  const bad = `(CASE ${checks.map((c, i) => `WHEN ${c.condition} THEN ${i}`).join(' ')} END)::INTEGER`;
  const behavior = valueSql(source, log.behavior);
  const m = `(list_position(${literalList(behaviors.map((b) => b.value))}, ${behavior}) - 1)::INTEGER`;
  await session.run(
    `CREATE TABLE events AS SELECT __file, ${blankSql(source)} AS __blank, ${bad} AS __bad, ${valueSql(source, log.user)} AS user_key, ${valueSql(source, log.item)} AS item_key, ${m} AS m, ${timeSql(valueSql(source, log.time))} AS t FROM ${ident(source.table)}`,
  );
  const rejected = await rejectedLines(session, source);
  const malformedCount = [...rejected.values()].reduce((sum, lines) => sum + lines.size, 0);
  if (config.badInput === 'error') {
    const [firstReject] = [...rejected.entries()];
    if (firstReject) {
      throw new DataError(
        'malformed line in the event log; set badInput: skip to skip and count such lines',
        {
          where: { file: firstReject[0], line: Math.min(...firstReject[1]) },
        },
      );
    }
    const [first] = await session.rows(
      'SELECT rowid, __bad FROM events WHERE NOT __blank AND __bad IS NOT NULL ORDER BY rowid LIMIT 1',
    );
    if (first) {
      const check = checks[Number(first[1])]!;
      const value = check.column === undefined ? '__line' : valueSql(source, check.column);
      const { where, found } = await locateRow(
        session,
        source,
        'events',
        Number(first[0]),
        check.column,
        value,
      );
      throw new DataError(
        `bad input in the event log: ${check.reason}; set badInput: skip to skip and count such rows`,
        {
          where,
          expected: check.expected,
          found,
        },
      );
    }
  }
  const reasons = await session.rows(
    'SELECT __bad, count(*) FROM events WHERE NOT __blank AND __bad IS NOT NULL GROUP BY 1 ORDER BY 1',
  );
  const skippedByReason = reasons.map(([index, count]) => ({
    reason: checks[Number(index)]!.reason,
    count: Number(count),
  }));
  if (malformedCount > 0) skippedByReason.push({ reason: 'malformed line', count: malformedCount });
  const [totals] = await session.rows(
    'SELECT count(*), count(*) FILTER (WHERE __bad IS NOT NULL), count(*) FILTER (WHERE __bad IS NULL AND m IS NULL) FROM events WHERE NOT __blank',
  );
  const read = Number(totals![0]) + malformedCount;
  const skipped = Number(totals![1]) + malformedCount;
  const filtered = Number(totals![2]);
  return { read, used: read - skipped - filtered, skipped, filtered, skippedByReason };
}

/**
 * SQL of the item keys the item vocabulary counts: the events a training sample can see (events of
 * its user strictly before the user's latest training sample), or every event (`all`).
 */
export function eventItemKeys(all: boolean): string {
  if (all) return `SELECT item_key AS key FROM events WHERE ${EVENT_USED}`;
  return `SELECT e.item_key AS key FROM events e JOIN (SELECT __user AS user_key, max(__time) AS last FROM rows WHERE ${USED} AND __split = 'train' GROUP BY 1) u USING (user_key) WHERE ${EVENT_USED} AND e.t < u.last`;
}
