import { ConfigError } from '@dtrn/base';
import type { BackendPreference } from '@dtrn/core';
import { sliceRows } from '@dtrn/data';
import type { SplitName } from '@dtrn/prepare';
import { readVocabularies } from '../data/load-data.js';
import { readPreparedRecord, readRunPreparation } from '../data/preparation.js';
import { type ProgressMode, type ProgressReporter, reporterOf } from '../runtime/progress.js';
import { RUN_FILES, type RunDirectory } from '../runtime/run-directory.js';
import { loadRunModel } from '../runtime/run-model.js';
import { alignSchema } from './align-schema.js';
import { ENGINES, type EngineName, onnxEngine, type ScoringEngine, tfjsEngine } from './engines.js';
import { openSource } from './open-source.js';
import { checkOut, outputFormat, PredictionWriter } from './prediction-writer.js';
import { parseKeep, type RowAccounting } from './sources.js';

export interface RunPredictOptions {
  /** A run directory written by `dtrn train`. */
  readonly run: string;
  /** A prepared directory (or split), a dataset config (.yaml) or a raw file. */
  readonly data: string;
  /** `.csv`, `.jsonl` or `.parquet`. */
  readonly out: string;
  readonly engine?: EngineName;
  readonly backend?: BackendPreference;
  readonly split?: SplitName;
  readonly datasetConfig?: string;
  /** `--keep a,b:name`. */
  readonly keep?: string;
  readonly badInput?: 'error' | 'skip';
  /** Rows per forward pass. Default 4096. */
  readonly batchSize?: number;
  readonly overwrite?: boolean;
  readonly duckdb?: { memoryLimit?: string; tempDirectory?: string; threads?: number };
  readonly progress?: ProgressMode | ProgressReporter;
  /** Aborting stops after the current batch; nothing is written. */
  readonly signal?: AbortSignal;
}

export interface PredictOutcome {
  readonly out: string;
  readonly engine: EngineName;
  readonly tasks: readonly string[];
  readonly rows: RowAccounting;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

/** Thrown when `signal` aborts scoring (the app exits 130). */
export class PredictInterrupted extends Error {}

async function runPreparationOf(run: RunDirectory) {
  const own = await readRunPreparation(run.path);
  if (own) return own;
  // Runs trained before preparation.json existed: the prepared directory they were trained on.
  if (!(await run.exists(RUN_FILES.config))) return null;
  const config = await run.readJson<{ data?: { kind?: string; path?: string } }>(RUN_FILES.config);
  return config.data?.kind === 'shards' && config.data.path
    ? readPreparedRecord(config.data.path).catch(() => null)
    : null;
}

export function formatAccounting(rows: RowAccounting): string[] {
  const lines = [
    `read ${rows.read} rows = ${rows.scored} scored + ${rows.skipped} skipped + ${rows.filtered} filtered`,
  ];
  for (const reason of rows.skippedByReason)
    lines.push(`  skipped ${reason.count}: ${reason.reason}, first at ${reason.example}`);
  for (const reason of rows.filteredByReason) lines.push(`  filtered ${reason.count}: ${reason.reason}`);
  return lines;
}

export async function runPredict(options: RunPredictOptions): Promise<PredictOutcome> {
  const engineName = options.engine ?? 'tfjs';
  if (!(ENGINES as readonly string[]).includes(engineName)) {
    throw new ConfigError(`--engine ${engineName} is not an engine`, { expected: ENGINES.join(', ') });
  }
  const batchSize = options.batchSize ?? 4096;
  const progress = reporterOf(options.progress);
  outputFormat(options.out);
  await checkOut(options.out, options.overwrite ?? false);
  const {
    run,
    selection,
    loaded: { model },
  } = await loadRunModel(options.run, options.backend, progress);
  let engine: ScoringEngine | undefined;
  let source: Awaited<ReturnType<typeof openSource>> | undefined;
  let writer: PredictionWriter | undefined;
  try {
    source = await openSource({
      data: options.data,
      split: options.split,
      datasetConfig: options.datasetConfig,
      model: model.schema,
      runVocabularies: await readVocabularies(run.path),
      runPreparation: await runPreparationOf(run),
      keep: parseKeep(options.keep, model.taskNames),
      badInput: options.badInput,
      duckdb: options.duckdb,
    });
    const alignment = alignSchema(model.schema, source.schema, source.description);
    engine = engineName === 'onnx' ? await onnxEngine(model) : tfjsEngine(model);
    progress.info(
      `scoring ${source.description} with ${engine.name}${engine.name === 'tfjs' ? ` on ${selection.backendName}` : ' (onnxruntime-node)'}`,
    );
    writer = await PredictionWriter.open(options.out, { keep: source.keep, tasks: model.taskNames });
    const display = progress.scoring('predict', source.total);
    const started = performance.now();
    const scoring = engine;
    const output = writer;
    const rows = await source.stream(
      async (block) => {
        for (let start = 0; start < block.rows.size; start += batchSize) {
          if (options.signal?.aborted) throw new PredictInterrupted('interrupted');
          const end = Math.min(block.rows.size, start + batchSize);
          const batch = alignment.toModelBatch(sliceRows(block.rows, start, end));
          const probabilities = await scoring.score(batch);
          const records = Array.prototype.slice.call(block.records, start, end) as number[];
          await output.write(
            records,
            block.kept.map((column) => column.slice(start, end)),
            probabilities,
          );
        }
      },
      (read) => display.update(read),
    );
    display.done();
    const file = await writer.commit();
    writer = undefined;
    const seconds = (performance.now() - started) / 1000;
    const outcome: PredictOutcome = {
      out: file,
      engine: engineName,
      tasks: model.taskNames,
      rows,
      seconds,
      rowsPerSecond: rows.scored / Math.max(seconds, 1e-9),
    };
    progress.json({ type: 'predictions', ...outcome });
    progress.result(
      [
        ...formatAccounting(rows),
        `wrote ${rows.scored} predictions (${model.taskNames.join(', ')}) to ${file} in ${seconds.toFixed(1)} s (${Math.round(outcome.rowsPerSecond)} rows/s, ${engineName})`,
      ].join('\n'),
    );
    return outcome;
  } finally {
    await writer?.discard();
    await source?.close();
    await engine?.dispose();
    model.dispose();
  }
}
