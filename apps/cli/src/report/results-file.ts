/**
 * `results.json`, written by `compare` and `train` (one model, one seed) and read back by
 * `dtrn report`: the engine's `ComparisonResults` (`@dtrn/compare`) plus what the app knows about
 * the run. Plain numbers and strings only.
 *
 * Version 2 numbers epochs from 1 (`runs[].history[].epoch`, `runs[].bestEpoch`), as every other
 * output does; version 1 counted from 0 and is upgraded when read.
 */
import { DataError } from '@dtrn/base';
import type { ComparisonResults, ModelRun } from '@dtrn/compare';
import type { BackendRecord } from '../runtime/backend.js';
import type { WorkersRecord } from '../runtime/workers.js';
import { checkResultsShape } from './results-shape.js';

export const RESULTS_FORMAT = 'dtrn-run-results';
export const RESULTS_VERSION = 2;

export interface RunResults extends ComparisonResults {
  readonly format: typeof RESULTS_FORMAT;
  readonly version: typeof RESULTS_VERSION;
  readonly kind: 'compare' | 'train' | 'evaluate';
  readonly name: string;
  readonly description: string;
  /** The data, in one line (a comparison's without the seed). */
  readonly data: string;
  readonly createdAt: string;
  readonly backend: BackendRecord;
  /** Threads that trained and why (`--workers`; absent in results written before it existed). */
  readonly workers?: WorkersRecord;
  /**
   * Wall-clock seconds of the whole run. After `--resume`: this invocation plus what earlier ones
   * recorded (training time up to the checkpoint resumed from, and the runs kept).
   */
  readonly seconds: number;
}

/** The results of a run: the engine's, after what the app knows (key order as written). */
export function runResults(
  run: Pick<RunResults, 'kind' | 'name' | 'description' | 'data' | 'backend' | 'workers'>,
  results: ComparisonResults,
  seconds: number,
): RunResults {
  return {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    kind: run.kind,
    name: run.name,
    description: run.description,
    data: run.data,
    createdAt: new Date().toISOString(),
    backend: run.backend,
    ...(run.workers ? { workers: run.workers } : {}),
    ...results,
    seconds,
  };
}

/** A run record of results version 1 (epochs from 0) with its epochs numbered from 1. */
export function upgradeModelRun(run: ModelRun, version: number): ModelRun {
  if (version >= 2) return run;
  return {
    ...run,
    history: run.history.map((epoch) => ({ ...epoch, epoch: epoch.epoch + 1 })),
    bestEpoch: run.bestEpoch === null ? null : run.bestEpoch + 1,
  };
}

/**
 * Checks the format, version and shape (what the report and tables read) of a parsed results.json
 * (`file` names it in errors) and upgrades version 1 to the current version.
 */
export function readRunResults(json: Record<string, unknown>, file: string): RunResults {
  if (json.format !== RESULTS_FORMAT) {
    throw new DataError('results.json has another format', {
      where: { file },
      expected: RESULTS_FORMAT,
      found: json.format,
    });
  }
  const version = json.version;
  if (version !== 1 && version !== RESULTS_VERSION) {
    throw new DataError(`results.json has version ${String(version)}, which this dtrn cannot read`, {
      where: { file, field: 'version' },
      expected: `1 to ${RESULTS_VERSION} (a newer dtrn writes later versions)`,
      found: version,
    });
  }
  checkResultsShape(json, file);
  const results = json as unknown as RunResults;
  if (version === RESULTS_VERSION) return results;
  return { ...results, version: RESULTS_VERSION, runs: results.runs.map((run) => upgradeModelRun(run, 1)) };
}
