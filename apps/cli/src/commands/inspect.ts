/** `dtrn inspect --run <dir>`: what the task-specific modules of a trained model learned. */
import { Command, Option } from 'commander';
import { EVALUATION_SPLITS, type EvaluationSplit } from '../compare/train-run.js';
import { DEFAULT_INSPECT_ROWS, runInspect } from '../inspect/run-inspect.js';
import {
  addMessageOptions,
  type CliContext,
  type CommonFlags,
  integer,
  reporterFor,
} from './common-options.js';

interface InspectFlags extends CommonFlags {
  readonly run: string;
  readonly split: EvaluationSplit;
  readonly rows: number;
  readonly knockout?: boolean;
}

export function inspectCommand(context: CliContext): Command {
  const command = new Command('inspect')
    .description(
      "What a trained run's task-specific modules learned: TIM's generated LayerNorms per task and behavior, TRM's field weights per task, and how alike the task bottoms are.",
    )
    .requiredOption('--run <dir>', 'run directory written by dtrn train (its saved model)')
    .addOption(
      new Option('--split <name>', 'split whose rows are analysed')
        .choices(EVALUATION_SPLITS)
        .default('test'),
    )
    .option(
      '--rows <n>',
      `rows of the split analysed, the first ones (default ${DEFAULT_INSPECT_ROWS})`,
      integer('--rows', 1),
    )
    .option(
      '--knockout',
      "also evaluate the whole split with each task using the other task's TIM or TRM, and with each reset to its start",
    );
  return addMessageOptions(command, { backend: true })
    .addHelpText(
      'after',
      `
Examples:
  $ dtrn inspect --run runs/dtrn-ple
  $ dtrn inspect --run runs/dtrn-ple --rows 5000 --knockout
  $ dtrn inspect --run runs/dtrn-ple --jsonl > inspection.jsonl

Writes inspection-<split>.json into the run directory. Works for every multi-task model (for a
baseline the task bottoms are one shared input, so their CKA is 1).`,
    )
    .action(async (flags: InspectFlags) => {
      await runInspect({
        run: flags.run,
        split: flags.split,
        ...(flags.rows === undefined ? {} : { rows: flags.rows }),
        knockout: flags.knockout === true,
        backend: flags.backend,
        progress: reporterFor(flags, context),
      });
    });
}
