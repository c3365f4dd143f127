/**
 * What `dtrn predict` needs to read new raw rows the way the training data was prepared by
 * `dtrn prepare table`: the dataset config (as written, with the path it was read from) and the
 * training split's numeric statistics. `dtrn train` on a prepared directory copies them from its
 * `prepare.json` into the run as `preparation.json`, beside `vocabularies.json`.
 */
import { join } from 'node:path';
import { DataError, parseJson } from '@dtrn/base';
import { FileStorage } from '@dtrn/core/node';
import type { NumericStatistics } from '@dtrn/prepare';

/** The run file holding the preparation (`dtrn train` writes it for table-prepared data). */
export const PREPARATION_FILE = 'preparation.json';
/** The prepared directory's record written by `dtrn prepare`. */
export const PREPARE_RECORD_FILE = 'prepare.json';

const MAX_RECORD_BYTES = 64 * 2 ** 20;

export interface TablePreparation {
  readonly kind: 'table';
  /** Absolute path of the dataset config (relative paths inside it resolve against its directory). */
  readonly configPath: string;
  /** The dataset config as parsed from that file. */
  readonly config: Record<string, unknown>;
  /** Statistics of the training split per numeric field. */
  readonly numeric: readonly NumericStatistics[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates the shape of a preparation (from `prepare.json` or `preparation.json`). */
function checkPreparation(value: unknown, file: string): TablePreparation {
  const fail = (field: string, expected: string): never => {
    throw new DataError(`${field} is missing or invalid`, { where: { file, field }, expected });
  };
  if (!isObject(value)) return fail('(top level)', 'an object');
  if (typeof value.configPath !== 'string') fail('configPath', 'the dataset config path');
  if (!isObject(value.config)) fail('config', 'the dataset config object');
  if (!Array.isArray(value.numeric)) fail('numeric', 'a list of numeric statistics');
  (value.numeric as unknown[]).forEach((entry, i) => {
    if (!isObject(entry) || typeof entry.field !== 'string' || typeof entry.transform !== 'string')
      fail(`numeric[${i}]`, '{ field, transform, mean, std, min, max, boundaries? }');
  });
  return { kind: 'table', ...(value as Omit<TablePreparation, 'kind'>) };
}

async function readObject(directory: string, name: string): Promise<unknown | undefined> {
  const storage = new FileStorage(directory);
  if (!(await storage.exists(name))) return undefined;
  return parseJson(await storage.readText(name, { maxBytes: MAX_RECORD_BYTES }), {
    file: join(directory, name),
  });
}

/**
 * The preparation recorded in a prepared directory's `prepare.json` when `dtrn prepare table`
 * wrote it, else null (named loaders and synthetic data transform nothing from statistics).
 */
export async function readPreparedRecord(directory: string): Promise<TablePreparation | null> {
  const record = await readObject(directory, PREPARE_RECORD_FILE);
  if (!isObject(record) || !isObject(record.data) || record.data.kind !== 'table') return null;
  const file = join(directory, PREPARE_RECORD_FILE);
  const provenance = isObject(record.provenance) ? record.provenance : {};
  const report = isObject(provenance.report) ? provenance.report : {};
  return checkPreparation(
    { configPath: record.data.config, config: provenance.config, numeric: report.numeric },
    file,
  );
}

/** A run's `preparation.json`, or null when it has none. */
export async function readRunPreparation(runDirectory: string): Promise<TablePreparation | null> {
  const value = await readObject(runDirectory, PREPARATION_FILE);
  return value === undefined ? null : checkPreparation(value, join(runDirectory, PREPARATION_FILE));
}
