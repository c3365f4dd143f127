/**
 * Finished (model, seed) runs of a comparison, kept in the run directory so `compare --resume`
 * skips them: `runs/<model>/seed-<s>.json` (the ModelRun) and `.predictions.bin` (each task's test
 * probabilities, float32 little-endian, task after task).
 */
import { DataError } from '@dtrn/base';
import type { RunDirectory } from '../runtime/run-directory.js';
import type { ModelRun } from './results-types.js';

function base(model: string, seed: number): string {
  return `runs/${model}/seed-${seed}`;
}

export async function saveModelRun(
  run: RunDirectory,
  record: ModelRun,
  predictions: readonly Float32Array[],
): Promise<void> {
  const rows = predictions[0]?.length ?? 0;
  const bytes = new Uint8Array(rows * predictions.length * 4);
  const view = new DataView(bytes.buffer);
  predictions.forEach((column, task) => {
    for (let i = 0; i < rows; i++) view.setFloat32((task * rows + i) * 4, column[i]!, true);
  });
  await run.storage.writeFile(`${base(record.model, record.seed)}.predictions.bin`, bytes);
  await run.writeJson(`${base(record.model, record.seed)}.json`, { ...record, predictionRows: rows });
}

export async function loadModelRun(
  run: RunDirectory,
  model: string,
  seed: number,
  numTasks: number,
): Promise<{ record: ModelRun; predictions: Float32Array[] } | null> {
  const path = base(model, seed);
  if (!(await run.exists(`${path}.json`)) || !(await run.exists(`${path}.predictions.bin`))) return null;
  const { predictionRows, ...record } = await run.readJson<ModelRun & { predictionRows: number }>(
    `${path}.json`,
  );
  if (!Number.isSafeInteger(predictionRows) || predictionRows < 0) {
    throw new DataError('predictionRows is invalid', {
      where: { file: `${run.path}/${path}.json`, field: 'predictionRows' },
      expected: 'an integer >= 0',
      found: predictionRows,
    });
  }
  // The size is checked before reading (the checked reader), not after.
  const expectedBytes = predictionRows * numTasks * 4;
  const bytes = await run.storage.readFile(`${path}.predictions.bin`, {
    expectedBytes,
    maxBytes: expectedBytes,
  });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const predictions = Array.from({ length: numTasks }, (_, task) =>
    Float32Array.from({ length: predictionRows }, (_, i) =>
      view.getFloat32((task * predictionRows + i) * 4, true),
    ),
  );
  return { record, predictions };
}
