/** Writes results.json, results.md and report.html, and prints the table. */
import { degenerateHeadline } from '@dtrn/compare';
import type { ProgressReporter } from '../runtime/progress.js';
import { RUN_FILES, type RunDirectory } from '../runtime/run-directory.js';
import { formatOneGlance } from './one-glance.js';
import type { RunResults } from './results-file.js';
import { checkHeadline, formatResultsMarkdown } from './results-markdown.js';
import { writeReport } from './write-report.js';

export async function writeResults(
  run: RunDirectory,
  results: RunResults,
  progress: ProgressReporter,
): Promise<void> {
  const markdown = formatResultsMarkdown(results);
  await run.writeJson(RUN_FILES.results, results);
  await run.writeText(RUN_FILES.resultsMarkdown, markdown);
  await writeReport(run, results);
  progress.result(markdown);
  const headline = checkHeadline(results);
  if (headline && results.check.passed === false) progress.info(headline.replaceAll('**', ''));
  const degenerate = degenerateHeadline(results);
  if (degenerate) progress.info(degenerate.replaceAll('**', ''));
  // Last on screen, so the answer is what a newcomer sees without scrolling.
  if (results.kind === 'compare') progress.result(`\n${formatOneGlance(results)}\n`);
  progress.info(
    `run directory: ${run.path} (${RUN_FILES.results}, ${RUN_FILES.resultsMarkdown}, ${RUN_FILES.report})`,
  );
  progress.json({ type: 'results', directory: run.path, results });
}
