/**
 * Flat memory over long runs on Linux. glibc's malloc raises its mmap threshold to the size of each
 * large block that is freed (up to 32 MiB); from then on the ArrayBuffers of a few MiB that training
 * allocates and frees all the time (gathered batch inputs, evaluation batches, dataset columns) come
 * from the heap arenas and stay resident after they are freed. Over `dtrn compare --preset quick
 * --seeds 5` RSS at the same phase then differed by up to 66 MB between seeds (2 to 27 MB with
 * the setting; peak 530 MB against 460 MB; app README, "Memory over a comparison"). A fixed
 * threshold of 128 KiB (glibc's starting value) hands such blocks back to the system when they are
 * freed. glibc reads `MALLOC_MMAP_THRESHOLD_` only when the process starts, so
 * `train` and `compare` run themselves once more with it set. Not done on other platforms, when
 * the variable is already set (set it to anything to choose yourself), under a debugger or
 * inspector, or with `DTRN_NO_REEXEC=1`.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export const MMAP_THRESHOLD_VARIABLE = 'MALLOC_MMAP_THRESHOLD_';
/** Bytes: glibc's default threshold before it adapts. */
export const MMAP_THRESHOLD_BYTES = '131072';
const LONG_COMMANDS = ['train', 'compare'];

export interface ProcessFacts {
  readonly platform: string;
  /** Arguments after the script (`process.argv.slice(2)`). */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly execArgv: readonly string[];
}

/** True when the binary should run itself again with the allocator setting (see above). */
export function shouldRerunWithAllocator(facts: ProcessFacts): boolean {
  return (
    facts.platform === 'linux' &&
    LONG_COMMANDS.includes(facts.args[0] ?? '') &&
    facts.env[MMAP_THRESHOLD_VARIABLE] === undefined &&
    facts.env.DTRN_NO_REEXEC === undefined &&
    !facts.execArgv.some((flag) => flag.startsWith('--inspect') || flag.startsWith('--debug'))
  );
}

/**
 * Runs `script` with the same Node flags and arguments and the allocator setting; resolves to its
 * exit code. SIGINT, SIGTERM and SIGHUP sent to this process are passed on, so `kill -INT <pid>`
 * stops the run with a checkpoint as Ctrl-C does. A Ctrl-C in a terminal reaches the child twice
 * (directly, as a member of the process group, and passed on); the child counts the two as one
 * (runtime/interrupt.ts).
 */
export function rerunWithAllocator(script: string): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, script, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [MMAP_THRESHOLD_VARIABLE]: MMAP_THRESHOLD_BYTES },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      process.off('SIGHUP', forward);
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
