/** `dtrn bench`: training and inference throughput of model presets. */
import { Command } from 'commander';
import { runBench } from '../compare/run-bench.js';
import { readConfigFile } from '../config/load-config.js';
import {
  addMessageOptions,
  type CliContext,
  type CommonFlags,
  integer,
  reporterFor,
} from './common-options.js';

interface BenchFlags extends CommonFlags {
  readonly quick?: boolean;
  readonly models?: string;
  readonly batchSize?: number;
  readonly steps?: number;
  readonly out?: string;
}

export function benchCommand(context: CliContext): Command {
  const command = new Command('bench')
    .description(
      'Measure training and inference throughput (samples/s), step time and memory of model presets.',
    )
    .option('--quick', 'a modest run: two presets, small batches, few steps (about a minute)')
    .option(
      '--models <list>',
      'comma-separated model presets (default: shared-bottom,mmoe,ple,dtrn-ple; --quick: shared-bottom,dtrn-ple)',
    )
    .option('--batch-size <n>', 'samples per step (default 1024; --quick 256)', integer('--batch-size', 1))
    .option('--steps <n>', 'timed steps per model (default 20; --quick 5)', integer('--steps', 1))
    .option('--config <file>', 'JSON or YAML model settings applied to every preset (e.g. embeddingDim)')
    .option('--out <file>', 'also write the measurements as JSON');
  return addMessageOptions(command, { backend: true })
    .addHelpText(
      'after',
      `
Examples:
  $ dtrn bench --quick
  $ dtrn bench --models dtrn-ple,ple --batch-size 2048 --steps 30 --backend wasm
  $ dtrn bench --out bench.json --jsonl`,
    )
    .action(async (flags: BenchFlags) => {
      const quick = flags.quick ?? false;
      const overrides = flags.config ? await readConfigFile(flags.config) : {};
      const outcome = await runBench({
        catalog: await context.loadCatalog(),
        models: (flags.models ?? (quick ? 'shared-bottom,dtrn-ple' : 'shared-bottom,mmoe,ple,dtrn-ple'))
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
        batchSize: flags.batchSize ?? (quick ? 256 : 1024),
        steps: flags.steps ?? (quick ? 5 : 20),
        warmupSteps: 2,
        rows: quick ? 4000 : 30_000,
        sequenceLength: quick ? 20 : 50,
        modelOverrides: overrides,
        backend: flags.backend,
        progress: reporterFor(flags, context),
      });
      if (flags.out) {
        const { writeFile } = await import('node:fs/promises');
        await writeFile(flags.out, `${JSON.stringify(outcome, null, 2)}\n`);
      }
    });
}
