/** `dtrn evaluate --run <dir>`: metrics of a trained run on a split, from its checkpoint. */
import { Command, Option } from 'commander';
import { EVALUATION_SPLITS, type EvaluationSplit, runEvaluate } from '../compare/run-evaluate.js';
import { addMessageOptions, type CliContext, type CommonFlags, reporterFor } from './common-options.js';

export function evaluateCommand(context: CliContext): Command {
  const command = new Command('evaluate')
    .description(
      'Evaluate a trained run (dtrn train) on a split from its checkpoint: AUC, GAUC and logloss per task.',
    )
    .requiredOption('--run <dir>', 'run directory written by dtrn train')
    .addOption(new Option('--split <name>', 'split to evaluate').choices(EVALUATION_SPLITS).default('test'));
  return addMessageOptions(command, { backend: true })
    .addHelpText(
      'after',
      `
Examples:
  $ dtrn evaluate --run runs/dtrn-ple
  $ dtrn evaluate --run runs/dtrn-ple --split validation --jsonl

Writes evaluation-<split>.json into the run directory.`,
    )
    .action(async (flags: CommonFlags & { run: string; split: EvaluationSplit }) => {
      await runEvaluate({
        run: flags.run,
        split: flags.split,
        catalog: await context.loadCatalog(),
        backend: flags.backend,
        progress: reporterFor(flags, context),
      });
    });
}
