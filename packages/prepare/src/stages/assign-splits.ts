/**
 * Stage "split": gives every row of `rows` its split (`__split`). Files per split keep their split;
 * one file is split by a seeded hash of the row (`random`) or of a column's value (so every row of
 * one user lands in one split), or by time (oldest rows to train, newest to test; rows tied with a
 * cut stay on the older side). Without validation files, validation is carved out of train the
 * same way. Rows whose split key is bad get no split (they are bad input anyway).
 */
import type { SplitConfig, TableConfig } from '../config/types.js';
import type { DuckSession } from '../duckdb/session.js';
import { literal, numberLiteral } from '../duckdb/sql.js';

/** A uniform number in [0, 1) from an MD5 of `text` (stable across DuckDB versions and machines). */
function unitHash(text: string): string {
  return `((md5_number_upper(${text}) >> 32)::DOUBLE / 4294967296.0)`;
}

function hashedSplit(split: SplitConfig, key: string): string {
  const u = unitHash(`${literal(`${split.seed}:`)} || ${key}`);
  return `CASE WHEN ${key} IS NULL THEN NULL WHEN ${u} < ${numberLiteral(split.test)} THEN 'test' WHEN ${u} < ${numberLiteral(split.test + split.validation)} THEN 'validation' ELSE 'train' END`;
}

async function timeSplit(session: DuckSession, split: SplitConfig, scope: string): Promise<string> {
  const trainShare = 1 - split.validation - split.test;
  const [row] = await session.rows(
    `SELECT quantile_disc(__split_time, ${numberLiteral(trainShare)}), quantile_disc(__split_time, ${numberLiteral(1 - split.test)}) FROM rows WHERE ${scope} AND __bad IS NULL AND __filtered IS NULL`,
  );
  const trainCut = row?.[0];
  const validationCut = row?.[1];
  if (trainCut === null || trainCut === undefined) return 'NULL';
  const test =
    split.test > 0 ? `WHEN __split_time > ${numberLiteral(Number(validationCut))} THEN 'test' ` : '';
  return `CASE WHEN __split_time IS NULL OR NOT isfinite(__split_time) THEN NULL WHEN __split_time <= ${numberLiteral(Number(trainCut))} THEN 'train' ${test}ELSE 'validation' END`;
}

async function ruleSql(session: DuckSession, split: SplitConfig, scope: string): Promise<string> {
  const rule = split.rule;
  if (rule.kind === 'time') return timeSplit(session, split, scope);
  const key = rule.kind === 'column' ? '__split_key' : 'rowid::VARCHAR';
  return hashedSplit(split, key);
}

/** Adds and fills `rows.__split`. */
export async function assignSplits(session: DuckSession, config: TableConfig): Promise<void> {
  await session.run('ALTER TABLE rows ADD COLUMN __split VARCHAR');
  const { sources, split } = config;
  if (sources.kind === 'file') {
    await session.run(`UPDATE rows SET __split = ${await ruleSql(session, split!, 'true')}`);
    return;
  }
  await session.run(`UPDATE rows SET __split = __part WHERE __part <> 'train'`);
  const train = split === undefined ? `'train'` : await ruleSql(session, split, `__part = 'train'`);
  await session.run(`UPDATE rows SET __split = ${train} WHERE __part = 'train'`);
}
