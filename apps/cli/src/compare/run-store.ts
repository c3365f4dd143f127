/**
 * The run directory as the engine's `ComparisonStore`: checkpoints under
 * `checkpoints/<run>/seed-<s>/`, and finished runs in `runs/<run>/seed-<s>.json` (the ModelRun,
 * with `predictionRows` and the results version of its epoch numbers) and `.predictions.bin` (each
 * task's test probabilities, float32 little-endian, task after task), so `compare --resume` keeps
 * them. `<run>` is the model name, or `calibration-<model>-control` for the check's calibration run.
 */
import { DataError } from '@dtrn/base';
import type { ComparisonStore, ModelRun, RunKey } from '@dtrn/compare';
import { RESULTS_VERSION, upgradeModelRun } from '../report/results-file.js';
import type { RunDirectory } from '../runtime/run-directory.js';

function base(run: RunKey): string {
  return `runs/${run.name}/seed-${run.seed}`;
}

async function saveModelRun(
  directory: RunDirectory,
  run: RunKey,
  record: ModelRun,
  predictions: readonly Float32Array[],
): Promise<void> {
  const rows = predictions[0]?.length ?? 0;
  const bytes = new Uint8Array(rows * predictions.length * 4);
  const view = new DataView(bytes.buffer);
  predictions.forEach((column, task) => {
    for (let i = 0; i < rows; i++) view.setFloat32((task * rows + i) * 4, column[i]!, true);
  });
  await directory.storage.writeFile(`${base(run)}.predictions.bin`, bytes);
  await directory.writeJson(`${base(run)}.json`, {
    ...record,
    predictionRows: rows,
    resultsVersion: RESULTS_VERSION,
  });
}

async function loadModelRun(
  directory: RunDirectory,
  run: RunKey,
  numTasks: number,
): Promise<{ record: ModelRun; predictions: Float32Array[] } | null> {
  const path = base(run);
  if (!(await directory.exists(`${path}.json`)) || !(await directory.exists(`${path}.predictions.bin`))) {
    return null;
  }
  const { predictionRows, resultsVersion, ...record } = await directory.readJson<
    ModelRun & { predictionRows: number; resultsVersion?: number }
  >(`${path}.json`);
  if (!Number.isSafeInteger(predictionRows) || predictionRows < 0) {
    throw new DataError('predictionRows is invalid', {
      where: { file: `${directory.path}/${path}.json`, field: 'predictionRows' },
      expected: 'an integer >= 0',
      found: predictionRows,
    });
  }
  // The size is checked before reading (the checked reader), not after.
  const expectedBytes = predictionRows * numTasks * 4;
  const bytes = await directory.storage.readFile(`${path}.predictions.bin`, {
    expectedBytes,
    maxBytes: expectedBytes,
  });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const predictions = Array.from({ length: numTasks }, (_, task) =>
    Float32Array.from({ length: predictionRows }, (_, i) =>
      view.getFloat32((task * predictionRows + i) * 4, true),
    ),
  );
  // Records written before results version 2 (no `resultsVersion`) count epochs from 0.
  return { record: upgradeModelRun(record, resultsVersion ?? 1), predictions };
}

/**
 * The store of a run directory. `keepFinished`: finished runs are read back on resume (`compare`);
 * `dtrn train` resumes from its checkpoint instead.
 */
export function runStore(directory: RunDirectory, keepFinished: boolean): ComparisonStore {
  return {
    checkpoints: (run) => ({
      storage: directory.storage,
      directory: directory.checkpointDirectory(run.name, run.seed),
    }),
    saveRun: (run, record, predictions) => saveModelRun(directory, run, record, predictions),
    ...(keepFinished
      ? { loadRun: (run: RunKey, numTasks: number) => loadModelRun(directory, run, numTasks) }
      : {}),
  };
}
