/** `dtrn report --run <dir>`: regenerates report.html from a run's results.json. */
import { Command } from 'commander';
import { regenerateReport } from '../report/write-report.js';
import type { CliContext } from './common-options.js';

export function reportCommand(context: CliContext): Command {
  return new Command('report')
    .description(
      "Regenerate report.html (self-contained, opens offline) from a run directory's results.json.",
    )
    .requiredOption('--run <dir>', 'run directory written by dtrn compare, train or evaluate')
    .addHelpText(
      'after',
      `
Examples:
  $ dtrn report --run runs/tiny
  $ xdg-open runs/tiny/report.html`,
    )
    .action(async (flags: { run: string }) => {
      const path = await regenerateReport(flags.run);
      context.streams.stdout.write(`${path}\n`);
    });
}
