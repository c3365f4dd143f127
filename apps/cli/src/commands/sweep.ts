/** `dtrn sweep`: a comparison per value of one config key, and the chart over them (compare/run-sweep.ts). */
import { Command, InvalidArgumentError } from 'commander';
import { runSweep } from '../compare/run-sweep.js';
import type { SweepValue } from '../report/sweep-data.js';
import { type CliContext, type CommonFlags, defaultOut } from './common-options.js';
import { addCompareOptions, compareConfigFromFlags } from './compare.js';
import { runTrainingAction } from './training-action.js';

interface SweepFlags extends CommonFlags {
  readonly key: string;
  readonly values: readonly SweepValue[];
  readonly [key: string]: unknown;
}

/** `1,0.5,-0.5` -> numbers; an entry that is not a number stays a string (`mmoe,ple`). */
export function parseSweepValues(text: string): SweepValue[] {
  const values = text.split(',').map((entry) => entry.trim());
  if (values.some((entry) => entry === '')) {
    throw new InvalidArgumentError(
      `--values must be a comma-separated list without empty entries (found "${text}")`,
    );
  }
  return values.map((entry) => (Number.isFinite(Number(entry)) ? Number(entry) : entry));
}

export function sweepCommand(context: CliContext): Command {
  const command = addCompareOptions(
    new Command('sweep').description(
      'Run one comparison per value of a config key (e.g. the task correlation of mmoe-synthetic data), one after the other, and chart test AUC against the value in sweep.html and sweep.svg.',
    ),
  )
    .requiredOption('--key <key>', 'dotted config key to sweep, e.g. data.correlation')
    .requiredOption(
      '--values <list>',
      'comma-separated values of the key, e.g. 1,0.9,0.5,0,-0.5',
      parseSweepValues,
    );
  command.addHelpText(
    'after',
    `
Examples:
  $ dtrn sweep --preset mmoe-correlation --key data.correlation --values 1,0.5,0,-0.5,0.9,0.25 \\
      --workers 1 --out runs/correlation-sweep          # the MMoE paper's correlation sweep
  $ dtrn sweep --preset tiny --key training.learningRate --values 0.001,0.005 --out runs/lr
  $ dtrn sweep ... --resume                               # after Ctrl-C: finished values are kept

Writes one compare run directory per value (<out>/<key's last part>=<value>) and sweep.json,
sweep.md, sweep.svg and sweep.html (self-contained) over all of them in --out.`,
  );
  command.action(async (flags: SweepFlags) => {
    const config = await compareConfigFromFlags(flags);
    const out = flags.out ?? defaultOut('sweep', String(config.name ?? flags.preset ?? 'custom'));
    await runTrainingAction(flags, context, out, async (options) => {
      const outcome = await runSweep({ ...options, config, key: flags.key, values: flags.values });
      return { results: outcome.files };
    });
  });
  return command;
}
