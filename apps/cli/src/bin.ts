#!/usr/bin/env node
/**
 * The `dtrn` binary. Errors of the dtrn kinds (bad config, bad data) print one clear message and
 * exit 2; anything else prints its stack and exits 1; an interrupted run exits 130. On Linux,
 * `train` and `compare` first run themselves again with a fixed malloc mmap threshold, which keeps
 * memory flat over long runs (runtime/allocator.ts).
 */
import { fileURLToPath } from 'node:url';
import { isDtrnError } from '@dtrn/base';
import { CommanderError } from 'commander';
import { createProgram } from './program.js';
import { rerunWithAllocator, shouldRerunWithAllocator } from './runtime/allocator.js';

async function main(): Promise<number> {
  const { program, context } = createProgram();
  program.exitOverride();
  try {
    await program.parseAsync(process.argv);
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (isDtrnError(error)) {
      process.stderr.write(`dtrn: ${(error as Error).message}\n`);
      return 2;
    }
    process.stderr.write(`dtrn: unexpected error\n${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

const facts = {
  platform: process.platform,
  args: process.argv.slice(2),
  env: process.env,
  execArgv: process.execArgv,
};
process.exitCode = shouldRerunWithAllocator(facts)
  ? await rerunWithAllocator(fileURLToPath(import.meta.url))
  : await main();
