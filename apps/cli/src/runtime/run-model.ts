/**
 * The trained model of a `dtrn train` run (`<run>/model`), loaded on the chosen backend: what
 * `dtrn predict` and `dtrn export` both start from.
 */
import { join } from 'node:path';
import { DataError } from '@dtrn/base';
import type { BackendPreference, BackendSelection } from '@dtrn/core';
import { loadModel } from '@dtrn/model';
import { useBackend } from './backend.js';
import type { ProgressReporter } from './progress.js';
import { RUN_FILES, RunDirectory } from './run-directory.js';

export async function loadRunModel(
  runPath: string,
  backend: BackendPreference | undefined,
  progress: ProgressReporter,
): Promise<{
  run: RunDirectory;
  selection: BackendSelection;
  loaded: Awaited<ReturnType<typeof loadModel>>;
}> {
  const run = new RunDirectory(runPath);
  if (!(await run.exists(`${RUN_FILES.model}/manifest.json`))) {
    throw new DataError('the run has no saved model', {
      where: { file: join(run.path, RUN_FILES.model) },
      expected: 'a directory written by dtrn train (it saves the trained model to <run>/model)',
    });
  }
  const selection = await useBackend(backend ?? 'auto');
  progress.info(`backend: ${selection.summary}`);
  const loaded = await loadModel(run.storage, RUN_FILES.model);
  return { run, selection, loaded };
}
