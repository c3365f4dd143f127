#!/usr/bin/env node
/**
 * The `dtrn` binary. Errors of the dtrn kinds (bad config, bad data) print one clear message and
 * exit 2; anything else prints its stack and exits 1; an interrupted run exits 130.
 */
import { isDtrnError } from '@dtrn/base';
import { CommanderError } from 'commander';
import { createProgram } from './program.js';

const { program, context } = createProgram();
program.exitOverride();
try {
  await program.parseAsync(process.argv);
  process.exitCode = context.exitCode;
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (isDtrnError(error)) {
    process.stderr.write(`dtrn: ${(error as Error).message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`dtrn: unexpected error\n${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
