/** Ctrl-C and `kill -INT`: the run stops after the current step with a checkpoint, once. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { REPEAT_WINDOW_MS, sigintHandler } from '../src/runtime/interrupt.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
/** Process groups started by a test, killed afterwards if a failed test left them running. */
const started: number[] = [];

afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already exited
    }
  }
});

describe('sigintHandler', () => {
  it('aborts on the first SIGINT, ignores a repeat inside the window and exits on a later one', () => {
    let clock = 1_000;
    const exits: number[] = [];
    let firsts = 0;
    const { handle, signal } = sigintHandler(
      () => firsts++,
      (code) => exits.push(code),
      () => clock,
    );
    expect(signal.aborted).toBe(false);
    handle();
    expect([signal.aborted, firsts, exits]).toEqual([true, 1, []]);
    clock += REPEAT_WINDOW_MS - 1;
    handle(); // the same Ctrl-C, passed on by the binary's parent process
    expect([firsts, exits]).toEqual([1, []]);
    clock += 1;
    handle(); // a second Ctrl-C
    expect([firsts, exits]).toEqual([1, [130]]);
  });
});

/**
 * Starts `dtrn compare --preset tiny` (on Linux the binary re-runs itself in a child), waits for the
 * first training step, sends SIGINT to the parent alone (`kill -INT <pid>`) or to its whole process
 * group (what a terminal's Ctrl-C does), and resolves with the exit code and the output.
 */
function interruptedRun(
  target: 'parent' | 'group',
): Promise<{ code: number | null; out: string; dir: string }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'dtrn-interrupt-')), 'run');
  const { MALLOC_MMAP_THRESHOLD_: _set, DTRN_NO_REEXEC: _off, ...env } = process.env;
  const child = spawn(
    process.execPath,
    [
      BIN,
      'compare',
      '--preset',
      'tiny',
      '--seeds',
      '1',
      '--out',
      dir,
      '--backend',
      'cpu',
      '--workers',
      '1',
      '--progress',
      'plain',
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  started.push(child.pid!);
  let out = '';
  let sent = false;
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    if (!sent && / step \d+\//.test(out)) {
      sent = true;
      process.kill(target === 'parent' ? child.pid! : -child.pid!, 'SIGINT');
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, dir })));
}

describe.each(['parent', 'group'] as const)('SIGINT to the %s of a running compare', (target) => {
  it('stops after the current step with a checkpoint and exit code 130', async () => {
    const { code, out, dir } = await interruptedRun(target);
    expect(out).toContain('stopping after the current step');
    expect(out.match(/stopping after the current step/g)).toHaveLength(1);
    expect(code).toBe(130);
    expect(existsSync(join(dir, 'checkpoints'))).toBe(true);
    expect(readdirSync(join(dir, 'checkpoints')).length).toBeGreaterThan(0);
  }, 120_000);
});
