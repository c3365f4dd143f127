/**
 * A run directory as the report reads it: results.json (required), and when present the resolved
 * config.json, environment.json and the per-step losses of metrics.jsonl. Every file goes through
 * the run directory's checked reader; results.json is checked against what the report reads, and
 * every error names the directory and the file.
 */
import { stat } from 'node:fs/promises';
import { ConfigError, DataError, parseJson } from '@dtrn/base';
import { MAX_RUN_FILE_BYTES, RUN_FILES, RunDirectory } from '../runtime/run-directory.js';
import { type RunResults, readRunResults } from './results-file.js';

/** One model and seed's training loss per progress window (metrics.jsonl `stepLosses`). */
export interface StepSeries {
  readonly model: string;
  readonly seed: number;
  /** Global step each window ends at. */
  readonly steps: number[];
  /** Per task (in `results.tasks` order), the window's mean loss; null where it was not written. */
  readonly lossPerTask: (number | null)[][];
}

export interface ReportRun {
  /** Absolute path of the run directory. */
  readonly directory: string;
  readonly results: RunResults;
  /** config.json, or null when the run has none (evaluate writes none). */
  readonly config: Record<string, unknown> | null;
  readonly environment: Record<string, unknown> | null;
  /** Empty for runs written before metrics.jsonl recorded progress windows. */
  readonly steps: StepSeries[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads `stepLosses` of each metrics.jsonl line of the compared runs; a broken line names its number. */
export function readStepSeries(text: string, file: string, results: RunResults): StepSeries[] {
  const series = new Map<
    string,
    { model: string; seed: number; steps: number[]; loss: (number | null)[][] }
  >();
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const record = parseJson(line, { file: `${file}:${index + 1}` });
    if (!isRecord(record)) {
      throw new DataError('expected one JSON object per line', { where: { file, line: index + 1 } });
    }
    const { model, seed, stepLosses } = record;
    if (stepLosses === undefined || !results.models.includes(model as string)) return; // calibration runs
    if (typeof seed !== 'number' || !Array.isArray(stepLosses)) {
      throw new DataError('a metrics record has no numeric seed or no stepLosses list', {
        where: { file, line: index + 1, field: typeof seed !== 'number' ? 'seed' : 'stepLosses' },
      });
    }
    const key = `${model}\u0000${seed}`;
    const entry = series.get(key) ?? {
      model: model as string,
      seed,
      steps: [],
      loss: results.tasks.map(() => []),
    };
    series.set(key, entry);
    stepLosses.forEach((window: unknown, w) => {
      if (!isRecord(window) || typeof window.step !== 'number' || !isRecord(window.lossPerTask)) {
        throw new DataError('a step loss needs a numeric step and a lossPerTask object', {
          where: { file, line: index + 1, field: `stepLosses[${w}]` },
        });
      }
      const losses = window.lossPerTask;
      entry.steps.push(window.step);
      results.tasks.forEach((task, k) => {
        const loss = losses[task];
        entry.loss[k]!.push(typeof loss === 'number' && Number.isFinite(loss) ? loss : null);
      });
    });
  });
  return [...series.values()].map(({ model, seed, steps, loss }) => ({
    model,
    seed,
    steps,
    lossPerTask: loss,
  }));
}

/** config.json, environment.json and the step losses of metrics.jsonl of a run directory (each may be missing). */
export async function readRunExtras(
  run: RunDirectory,
  results: RunResults,
): Promise<Pick<ReportRun, 'config' | 'environment' | 'steps'>> {
  const optionalJson = async (name: string) =>
    (await run.exists(name)) ? run.readJson<Record<string, unknown>>(name) : null;
  const metrics = (await run.exists(RUN_FILES.metrics))
    ? await run.storage.readText(RUN_FILES.metrics, { maxBytes: MAX_RUN_FILE_BYTES })
    : '';
  return {
    config: await optionalJson(RUN_FILES.config),
    environment: await optionalJson(RUN_FILES.environment),
    steps: readStepSeries(metrics, `${run.path}/${RUN_FILES.metrics}`, results),
  };
}

/** Reads a run directory for the report: results.json must be there, the rest may be missing. */
export async function readReportRun(directory: string): Promise<ReportRun> {
  const run = new RunDirectory(directory);
  const file = `${run.path}/${RUN_FILES.results}`;
  if (
    !(await stat(run.path).then(
      () => true,
      () => false,
    ))
  ) {
    throw new ConfigError(`run directory ${run.path} does not exist`, {
      expected: 'a directory written by dtrn compare, train or evaluate',
    });
  }
  if (!(await run.exists(RUN_FILES.results))) {
    throw new DataError(`${run.path} is not a finished run: it has no results.json`, {
      where: { file },
      expected: 'a directory written by dtrn compare, train or evaluate (a finished run)',
    });
  }
  const results = readRunResults(await run.readJson<Record<string, unknown>>(RUN_FILES.results), file);
  return { directory: run.path, results, ...(await readRunExtras(run, results)) };
}
