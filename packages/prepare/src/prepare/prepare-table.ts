/**
 * `prepareTable`: a table config in, the project's shard format out (`<out>/{train,validation,test}`,
 * `<out>/vocabularies.json`, `<out>/prepare.json`). DuckDB reads, types, checks, splits,
 * counts vocabularies, maps ids and builds sequences; this file runs the stages in order, times
 * them, reports progress and writes the result atomically.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError, DataError } from '@dtrn/base';
import { createEmptyDataset, type DatasetSchema, type InMemoryDataset } from '@dtrn/data';
import { ShardWriter } from '@dtrn/data/node';
import { findLeakyFeatures } from '@dtrn/datasets';
import { resolveTableConfig } from '../config/resolve-config.js';
import type { SplitName, TableConfig } from '../config/types.js';
import { SPLIT_NAMES } from '../config/types.js';
import { DuckSession } from '../duckdb/session.js';
import { loadSource } from '../read/load-source.js';
import { accountRows } from '../stages/account-rows.js';
import { assignSplits } from '../stages/assign-splits.js';
import { buildRows, type RowSource, USED } from '../stages/build-rows.js';
import type { EventIndex } from '../stages/event-index.js';
import { type EventCounts, eventItemKeys, loadEvents } from '../stages/event-log.js';
import { planNumeric } from '../stages/numeric-transforms.js';
import { buildSequences } from '../stages/sequences.js';
import { checkUnknownIds } from '../stages/unknown-ids.js';
import { buildVocabularies } from '../stages/vocabularies.js';
import { createFinalTable, type OutputPlan, outputPlan, streamBlocks } from '../stages/write-splits.js';
import { buildSchema, withoutSequences } from './build-schema.js';
import { stageDirectory } from './output-directory.js';
import type { PrepareReport } from './report.js';
import { writeVocabularies } from './write-vocabularies.js';

export type PrepareEvent =
  | { readonly type: 'stage'; readonly stage: string; readonly message: string }
  | { readonly type: 'duckdb-progress'; readonly stage: string; readonly percent: number }
  | { readonly type: 'rows'; readonly split: SplitName; readonly rows: number; readonly total: number };

export interface PrepareTableOptions {
  /** The config file's path: relative paths inside resolve against its directory. */
  readonly configPath: string;
  readonly out: string;
  readonly rowsPerShard?: number;
  readonly overwrite?: boolean;
  /** Replaces the config's `file` (a path relative to the working directory), e.g. `--data`. */
  readonly file?: string;
  readonly onEvent?: (event: PrepareEvent) => void;
}

export interface PrepareTableResult {
  readonly directory: string;
  readonly schema: DatasetSchema;
  readonly rows: Readonly<Record<SplitName, number>>;
  readonly report: PrepareReport;
}

/** Largest count a float32 group ordinal holds exactly. */
const MAX_GROUPS = 2 ** 24;

async function rowSources(session: DuckSession, config: TableConfig): Promise<RowSource[]> {
  const { sources, limitRows } = config;
  if (sources.kind === 'file')
    return [{ source: await loadSource(session, sources.file, 'src_all', limitRows), part: 'all' }];
  const list: RowSource[] = [
    { source: await loadSource(session, sources.train, 'src_train', limitRows), part: 'train' },
  ];
  if (sources.validation) {
    list.push({
      source: await loadSource(session, sources.validation, 'src_validation', limitRows),
      part: 'validation',
    });
  }
  list.push({ source: await loadSource(session, sources.test, 'src_test', limitRows), part: 'test' });
  return list;
}

async function splitSizes(session: DuckSession): Promise<Record<SplitName, number>> {
  const sizes: Record<SplitName, number> = { train: 0, validation: 0, test: 0 };
  for (const [split, count] of await session.rows(
    `SELECT __split, count(*) FROM rows WHERE ${USED} GROUP BY 1`,
  )) {
    sizes[split as SplitName] = Number(count);
  }
  for (const split of SPLIT_NAMES) {
    if (sizes[split] === 0) {
      throw new DataError(`the ${split} split is empty after reading, checking and splitting`, {
        expected: `rows in every split (see the row report; check split fractions, files.${split} or filter)`,
      });
    }
  }
  return sizes;
}

async function groupTable(session: DuckSession, config: TableConfig): Promise<string | undefined> {
  if (!config.group || !('column' in config.group)) return undefined;
  await session.run(
    `CREATE TABLE groups AS SELECT key, (row_number() OVER (ORDER BY key) - 1) AS ordinal FROM (SELECT DISTINCT __group AS key FROM rows WHERE ${USED})`,
  );
  const [row] = await session.rows('SELECT count(*) FROM groups');
  if (Number(row?.[0]) > MAX_GROUPS) {
    throw new ConfigError(
      `group "${config.group.column}" has ${row?.[0]} values, more than float32 numbers exactly (2^24)`,
      {
        expected: 'a categorical field as group (add it to fields)',
      },
    );
  }
  return 'groups';
}

async function leakageSample(session: DuckSession, plan: OutputPlan, schema: DatasetSchema, rows: number) {
  const sample = withoutSequences(schema);
  const size = Math.min(rows, 1_000_000);
  let dataset: InMemoryDataset = createEmptyDataset(sample, 0);
  await streamBlocks(
    session,
    { ...plan, timestamps: undefined, group: undefined, events: undefined },
    { schema: sample, blockRows: Math.max(size, 2048), where: `__split = 'train'`, limit: size },
    async (block) => {
      dataset = { ...block, sequences: [] };
    },
  );
  return findLeakyFeatures(dataset);
}

function withFile(rawConfig: unknown, file: string | undefined): unknown {
  if (file === undefined) return rawConfig;
  const raw = rawConfig as Record<string, unknown>;
  if (raw.files !== undefined) {
    throw new ConfigError(
      '--data replaces the config\'s "file", but this config has "files" (one per split)',
      {
        expected: 'a config with file, or no --data',
      },
    );
  }
  return { ...raw, file: resolve(file) };
}

/** Prepares the data set a config describes (`rawConfig` as parsed from its YAML or JSON file). */
export async function prepareTable(
  rawConfig: unknown,
  options: PrepareTableOptions,
): Promise<PrepareTableResult> {
  const config = resolveTableConfig(withFile(rawConfig, options.file), resolve(options.configPath));
  const emit = options.onEvent ?? (() => {});
  const directory = resolve(options.out);
  const staging = await stageDirectory(directory, options.overwrite ?? false);
  const session = await DuckSession.open(config.duckdb);
  const timings: Record<string, number> = {};
  const stage = async <T>(name: string, message: string, work: () => Promise<T>): Promise<T> => {
    emit({ type: 'stage', stage: name, message });
    const started = performance.now();
    const timer = setInterval(() => {
      const percent = session.progress();
      if (percent >= 0) emit({ type: 'duckdb-progress', stage: name, percent });
    }, 2000);
    try {
      return await work();
    } finally {
      clearInterval(timer);
      timings[name] = (timings[name] ?? 0) + (performance.now() - started) / 1000;
    }
  };
  try {
    const sources = await stage('read', 'reading files with DuckDB', () => rowSources(session, config));
    const sequences = config.sequences;
    let events: EventCounts | undefined;
    if (sequences?.kind === 'events') {
      events = await stage('read', 'reading the event log', () =>
        loadEvents(session, config, sequences.events, sequences.behaviors),
      );
    }
    const checks = await stage('check', 'typing values, checking bad input, splitting', async () => {
      const list = await buildRows(session, config, sources);
      await assignSplits(session, config);
      return list;
    });
    let accounting = await stage('check', 'counting rows', () =>
      accountRows(session, config, sources, checks),
    );
    const eventKeys = (trainOnly: boolean) =>
      sequences?.kind === 'events' ? eventItemKeys(!trainOnly) : undefined;
    const vocabularies = await stage(
      'vocabularies',
      'counting vocabularies on the training split',
      async () => {
        const built = await buildVocabularies(session, config, eventKeys);
        accounting = await checkUnknownIds(session, config, sources, checks, built, accounting);
        return built;
      },
    );
    const rows = await splitSizes(session);
    const numeric = await stage('statistics', 'numeric statistics of the training split', () =>
      planNumeric(session, config),
    );
    let eventIndex: EventIndex | undefined;
    if (sequences) {
      const items = vocabularies.find((v) => v.config.name === sequences.idSpace)!;
      eventIndex = await stage(
        'sequences',
        `building ${sequences.behaviors.length} behaviour sequence(s)`,
        () => buildSequences(session, sequences, items),
      );
    }
    const schema = buildSchema(config, vocabularies, numeric);
    const plan = outputPlan(config, vocabularies, numeric, await groupTable(session, config), eventIndex);
    await stage('write', 'mapping ids and writing shards', async () => {
      await createFinalTable(session, plan);
      for (const split of SPLIT_NAMES) {
        const writer = await ShardWriter.open(join(staging.path, split), schema, {
          rowsPerShard: options.rowsPerShard ?? 100_000,
          metadata: { source: `table ${config.name}`, split },
        });
        await streamBlocks(
          session,
          plan,
          {
            schema: writer.schema,
            blockRows: 16_384,
            where: `__split = '${split}'`,
            onRows: (done) => emit({ type: 'rows', split, rows: done, total: rows[split] }),
          },
          (block) => writer.append(block),
        );
        await writer.close();
      }
    });
    const leakage = await stage('leakage', 'leakage check on the training split', () =>
      leakageSample(session, plan, schema, rows.train),
    );
    const vocabularySummary = await writeVocabularies(session, vocabularies, staging.path);
    const report: PrepareReport = {
      name: config.name,
      rows: accounting.splits,
      skipped: accounting.skipped,
      filtered: accounting.filtered,
      events,
      timings,
      vocabularies: vocabularySummary,
      numeric: numeric.statistics,
      leakage,
    };
    await mkdir(staging.path, { recursive: true });
    await writeFile(
      join(staging.path, 'prepare.json'),
      `${JSON.stringify(
        {
          data: { kind: 'table', config: resolve(options.configPath) },
          seed: config.split?.seed ?? 0,
          rows,
          provenance: { config: rawConfig, report },
          createdAt: new Date().toISOString(),
        },
        null,
        2,
      )}\n`,
    );
    await staging.commit();
    return { directory, schema, rows, report };
  } catch (error) {
    await staging.discard();
    throw error;
  } finally {
    session.close();
  }
}
