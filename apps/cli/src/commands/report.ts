/**
 * `dtrn report <run>`: regenerates a run's report.html from its directory. `dtrn report <run> <run>
 * ...`: one page with the runs side by side (models and tasks aligned) in `--out` or the current
 * directory. `--run <dir>` is the older spelling of one run.
 */
import { ConfigError } from '@dtrn/base';
import { Command } from 'commander';
import { defaultComparisonFile, regenerateReport, writeComparisonReport } from '../report/write-report.js';
import type { CliContext } from './common-options.js';

export function reportCommand(context: CliContext): Command {
  return new Command('report')
    .description(
      'Regenerate report.html (self-contained, opens offline) of a run directory, or put several runs side by side in one page.',
    )
    .argument('[runs...]', 'run directories written by dtrn compare, train or evaluate')
    .option('--run <dir>', 'one run directory (same as giving it as the only argument)')
    .option(
      '--out <file>',
      'with several runs: the HTML file to write (default: report-<run>-vs-<run>.html in the current directory)',
    )
    .addHelpText(
      'after',
      `
One run: writes <run>/report.html (test metrics and each seed's values, gains with per-seed values,
curves with seed bands, per-step loss, config and environment).
Several runs: one page with the runs side by side, aligned by model and task; a model or task a
run does not have is a gap.

Examples:
  $ dtrn report runs/tiny
  $ dtrn report runs/control runs/full-conflict --out control-vs-conflict.html
  $ xdg-open runs/tiny/report.html`,
    )
    .action(async (runs: string[], flags: { run?: string; out?: string }) => {
      const directories = [...(flags.run ? [flags.run] : []), ...runs];
      if (directories.length === 0) {
        throw new ConfigError('dtrn report needs a run directory', {
          expected: 'dtrn report <run> [<run> ...] (or --run <dir>)',
        });
      }
      if (directories.length === 1) {
        if (flags.out) {
          throw new ConfigError('--out is for several runs; one run writes <run>/report.html', {
            found: flags.out,
          });
        }
        context.streams.stdout.write(`${await regenerateReport(directories[0]!)}\n`);
        return;
      }
      const out = flags.out ?? defaultComparisonFile(directories);
      context.streams.stdout.write(`${await writeComparisonReport(directories, out)}\n`);
    });
}
