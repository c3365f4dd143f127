/** The action shared by the training commands (`train`, `compare`): reporter, catalog and Ctrl-C. */
import type { TrainingRunOptions } from '../compare/run-options.js';
import { interruptOnSigint } from '../runtime/interrupt.js';
import { type CliContext, type CommonFlags, reporterFor } from './common-options.js';

/**
 * Runs `start` with the run options the flags and context give (progress reporter, model catalog,
 * backend, resume, the command line) and a signal that the first Ctrl-C raises: the run then stops
 * after the current step with a checkpoint, and the exit code becomes 130 (`start` tells an
 * interrupted run by null results).
 */
export async function runTrainingAction(
  flags: CommonFlags,
  context: CliContext,
  out: string,
  start: (options: TrainingRunOptions) => Promise<{ readonly results: unknown }>,
): Promise<void> {
  const progress = reporterFor(flags, context);
  const catalog = await context.loadCatalog();
  const interrupt = interruptOnSigint(() =>
    progress.info('stopping after the current step (Ctrl-C again to quit at once)...'),
  );
  try {
    const outcome = await start({
      out,
      catalog,
      backend: flags.backend,
      progress,
      resume: flags.resume ?? false,
      workers: flags.workers ?? 'auto',
      signal: interrupt.signal,
      command: `dtrn ${process.argv.slice(2).join(' ')}`,
    });
    if (!outcome.results) context.exitCode = 130;
  } finally {
    interrupt.dispose();
  }
}
