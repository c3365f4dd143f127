/**
 * Stage "write": maps every used row once into table `final` (ids, transformed numbers, labels,
 * sequences; file order), then streams each split out of it in chunks into blocks of typed arrays
 * laid out as the data contract says, appended to a ShardWriter; no JS value is made per row. The
 * same reader fills the in-memory sample the leakage check reads.
 */
import {
  createEmptyDataset,
  type DatasetSchema,
  type InMemoryDataset,
  sampleMasksFor,
  sliceRows,
} from '@dtrn/data';
import type { DuckDBDataChunk } from '@duckdb/node-api';
import type { TableConfig } from '../config/types.js';
import { copyColumn, copyPaddedLists } from '../duckdb/chunk-columns.js';
import type { DuckSession } from '../duckdb/session.js';
import { col, USED } from './build-rows.js';
import { type EventIndex, eventUserSql, fillEventSequences } from './event-index.js';
import type { NumericPlan } from './numeric-transforms.js';
import { seqTable } from './sequences.js';
import { type BuiltVocabulary, idSql, lookupJoin } from './vocabularies.js';

/** The extra column carrying GAUC groups when the group is not a field (read by the app). */
export const GROUP_EXTRA = 'group/session';

export interface OutputPlan {
  /** FROM clause over `rows r` with the joins the columns need. */
  readonly from: string;
  readonly sparse: readonly string[];
  readonly dense: readonly string[];
  readonly labels: readonly string[];
  /** List sequences: one INTEGER[] column per behaviour. */
  readonly sequences: readonly string[];
  /** Event-log sequences: the sample's user code in `events` (cut from it while writing). */
  readonly events: { readonly user: string; readonly index: EventIndex } | undefined;
  readonly timestamps: string | undefined;
  readonly group: string | undefined;
}

/** The final SELECT: ids, transformed numbers, labels, sequences, time and group per row. */
export function outputPlan(
  config: TableConfig,
  vocabularies: readonly BuiltVocabulary[],
  numeric: NumericPlan,
  groupTable: string | undefined,
  eventIndex: EventIndex | undefined,
): OutputPlan {
  const joins: string[] = [];
  const sparse: string[] = [];
  const dense: string[] = [];
  config.fields.forEach((field, i) => {
    if (field.type === 'categorical') {
      const vocabulary = vocabularies.find((v) => v.config.name === field.idSpace)!;
      const key = `r.${col.key(i)}`;
      const join = lookupJoin(vocabulary, `h${i}`, key);
      if (join) joins.push(join);
      sparse.push(`(CASE WHEN ${key} IS NULL THEN 0 ELSE ${idSql(vocabulary, key, `h${i}`)} END)::INTEGER`);
    } else if (field.transform === 'buckets') sparse.push(numeric.expressions.get(i)!);
    else dense.push(numeric.expressions.get(i)!);
  });
  const fromList = config.sequences?.kind === 'list';
  const sequences = (fromList ? config.sequences!.behaviors : []).map((_, m) => {
    joins.push(`LEFT JOIN ${seqTable(m)} q${m} ON q${m}.row_id = r.rowid`);
    return `COALESCE(q${m}.ids, []::INTEGER[])`;
  });
  let events: OutputPlan['events'];
  if (config.sequences?.kind === 'events' && eventIndex) {
    const user = eventUserSql('r.__user', 'eu');
    joins.push(user.join);
    events = { user: user.sql, index: eventIndex };
  }
  const hasTime = config.sequences?.kind === 'events' || config.split?.rule.kind === 'time';
  const timestamps = hasTime
    ? config.sequences?.kind === 'events'
      ? 'r.__time'
      : 'r.__split_time'
    : undefined;
  let group: string | undefined;
  if (groupTable) {
    joins.push(`LEFT JOIN ${groupTable} g ON g.key = r.__group`);
    group = 'g.ordinal::FLOAT';
  }
  return {
    from: `FROM rows r ${joins.join(' ')}`,
    sparse,
    dense,
    labels: config.tasks.map((_, k) => `r.${col.label(k)}`),
    sequences,
    events,
    timestamps,
    group,
  };
}

function planColumns(plan: OutputPlan): string[] {
  return [
    ...plan.sparse,
    ...plan.dense,
    ...plan.labels,
    ...plan.sequences,
    ...(plan.timestamps ? [plan.timestamps] : []),
    ...(plan.group ? [plan.group] : []),
    ...(plan.events ? [plan.events.user] : []),
  ];
}

/** Creates `final`: `__split`, then the output columns `c0, c1, ...` of every used row, in file order. */
export async function createFinalTable(session: DuckSession, plan: OutputPlan): Promise<void> {
  const columns = planColumns(plan).map((sql, i) => `${sql} AS c${i}`);
  await session.run(
    `CREATE TABLE final AS SELECT r.__split AS __split, ${columns.join(', ')} ${plan.from} WHERE ${USED.replaceAll('__', 'r.__')} ORDER BY r.rowid`,
  );
}

function selectSql(plan: OutputPlan, where: string, withSequences: boolean, limit?: number): string {
  const count = planColumns(plan).length;
  const first = plan.sparse.length + plan.dense.length + plan.labels.length;
  const columns = Array.from({ length: count }, (_, i) =>
    !withSequences && i >= first && i < first + plan.sequences.length ? 'NULL' : `c${i}`,
  );
  return `SELECT ${columns.join(', ')} FROM final WHERE ${where}${limit === undefined ? '' : ` LIMIT ${limit}`}`;
}

/** Copies one chunk into `block` at row `at` (`users`: scratch for event-log users). */
function fillFromChunk(
  chunk: DuckDBDataChunk,
  plan: OutputPlan,
  block: InMemoryDataset,
  at: number,
  withSequences: boolean,
  users: Int32Array,
): void {
  let column = 0;
  for (const target of block.sparse) copyColumn(chunk, column++, target, at);
  for (const target of block.dense) copyColumn(chunk, column++, target, at);
  for (const target of block.labels) copyColumn(chunk, column++, target, at);
  for (const [m] of plan.sequences.entries()) {
    const sequence = block.sequences[m];
    if (withSequences && sequence) copyPaddedLists(chunk, column, sequence.items, at, sequence.maxLength);
    column++;
  }
  if (plan.timestamps && block.timestamps) copyColumn(chunk, column++, block.timestamps, at);
  if (plan.group && block.extras?.[GROUP_EXTRA]) copyColumn(chunk, column++, block.extras[GROUP_EXTRA], at);
  if (plan.events && withSequences && block.timestamps) {
    copyColumn(chunk, column++, users, 0);
    block.sequences.forEach((sequence, m) => {
      fillEventSequences(
        plan.events!.index,
        m,
        users,
        block.timestamps!,
        sequence.items,
        at,
        chunk.rowCount,
        sequence.maxLength,
      );
    });
  }
}

export interface ReadOptions {
  readonly schema: DatasetSchema;
  /** Rows per block handed to `sink`. */
  readonly blockRows: number;
  /** SQL condition on `final` (e.g. the split). */
  readonly where: string;
  readonly limit?: number;
  readonly onRows?: (rows: number) => void;
}

/** Streams the rows into blocks of at most `blockRows` rows; `sink` gets each filled block (a view). */
export async function streamBlocks(
  session: DuckSession,
  plan: OutputPlan,
  options: ReadOptions,
  sink: (block: InMemoryDataset) => Promise<void>,
): Promise<number> {
  const { schema, blockRows } = options;
  const block = createEmptyDataset(schema, blockRows, {
    timestamps: plan.timestamps !== undefined,
    extras: plan.group ? [GROUP_EXTRA] : [],
  });
  const withSequences = schema.sequences !== undefined;
  const users = new Int32Array(2048); // DuckDB chunks hold at most 2,048 rows
  let filled = 0;
  let total = 0;
  const flush = async () => {
    if (filled === 0) return;
    sampleMasksFor(schema, block.labels, block.sampleMasks);
    await sink(filled === blockRows ? block : sliceRows(block, 0, filled));
    total += filled;
    options.onRows?.(total);
    filled = 0;
  };
  for await (const chunk of session.chunks(selectSql(plan, options.where, withSequences, options.limit))) {
    if (filled + chunk.rowCount > blockRows) await flush();
    fillFromChunk(chunk, plan, block, filled, withSequences, users);
    filled += chunk.rowCount;
  }
  await flush();
  return total;
}
