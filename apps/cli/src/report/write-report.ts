/**
 * Writes report.html into a run directory, and `dtrn report` regenerates it from one run directory
 * or writes one page that puts several runs side by side.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { ConfigError } from '@dtrn/base';
import { FileStorage } from '@dtrn/core/node';
import { checkDirectoryPath, RUN_FILES, RunDirectory } from '../runtime/run-directory.js';
import { renderComparisonHtml } from './comparison-html.js';
import { renderReportHtml } from './report-html.js';
import { readReportRun, readRunExtras } from './report-run.js';
import type { RunResults } from './results-file.js';

/** Writes `<run>/report.html` from `results` and what the run directory holds besides (config, environment, step losses). */
export async function writeReport(run: RunDirectory, results: RunResults): Promise<string> {
  await run.writeText(RUN_FILES.report, renderReportHtml(results, await readRunExtras(run, results)));
  return `${run.path}/${RUN_FILES.report}`;
}

/** Re-reads results.json of a run directory (any version this app wrote) and writes its report.html again. */
export async function regenerateReport(directory: string): Promise<string> {
  await checkDirectoryPath(directory, 'run');
  const report = await readReportRun(directory);
  await new RunDirectory(directory).writeText(RUN_FILES.report, renderReportHtml(report.results, report));
  return `${report.directory}/${RUN_FILES.report}`;
}

/**
 * Reads every run directory (all before writing anything: a broken one stops with its name) and
 * writes one page with the runs side by side to `out` (an HTML file path).
 */
export async function writeComparisonReport(directories: readonly string[], out: string): Promise<string> {
  if (directories.length < 2) {
    throw new ConfigError('a side-by-side report needs at least two run directories', {
      found: directories.length,
    });
  }
  for (const directory of directories) await checkDirectoryPath(directory, 'run');
  const runs = [];
  for (const directory of directories) runs.push(await readReportRun(directory));
  const target = resolve(out);
  const isDirectory = await stat(target).then(
    (entry) => entry.isDirectory(),
    () => false,
  );
  if (isDirectory) {
    throw new ConfigError(`--out ${out} is a directory`, { expected: 'the path of the HTML file to write' });
  }
  await new FileStorage(dirname(target)).writeFile(basename(target), renderComparisonHtml(runs));
  return target;
}

/** `report-control-vs-full-conflict.html`: the default file name of a side-by-side report (current directory). */
export function defaultComparisonFile(directories: readonly string[]): string {
  const names = directories.map((directory) => basename(resolve(directory)).replace(/[^\w.-]+/g, '_'));
  const joined = names.join('-vs-');
  return `report-${joined.length > 120 ? `${joined.slice(0, 120)}-and-more` : joined}.html`;
}
