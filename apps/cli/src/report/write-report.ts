/** Writes report.html into a run directory, and `dtrn report --run <dir>` regenerates it. */
import { DataError } from '@dtrn/base';
import { checkDirectoryPath, RUN_FILES, RunDirectory } from '../runtime/run-directory.js';
import { renderReportHtml } from './report-html.js';
import { type RunResults, readRunResults } from './results-file.js';

export async function writeReport(run: RunDirectory, results: RunResults): Promise<string> {
  await run.writeText(RUN_FILES.report, renderReportHtml(results));
  return `${run.path}/${RUN_FILES.report}`;
}

/** Re-reads results.json of a run directory (any version this app wrote) and writes its report.html again. */
export async function regenerateReport(directory: string): Promise<string> {
  await checkDirectoryPath(directory, '--run');
  const run = new RunDirectory(directory);
  if (!(await run.exists(RUN_FILES.results))) {
    throw new DataError('no results.json in the run directory', {
      where: { file: `${run.path}/${RUN_FILES.results}` },
      expected: 'a directory written by dtrn compare, train or evaluate (a finished run)',
    });
  }
  const json = await run.readJson<Record<string, unknown>>(RUN_FILES.results);
  return writeReport(run, readRunResults(json, `${run.path}/${RUN_FILES.results}`));
}
