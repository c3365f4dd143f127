/** The binary re-runs `train` and `compare` once with a fixed malloc mmap threshold (Linux). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MMAP_THRESHOLD_BYTES, shouldRerunWithAllocator } from '../src/runtime/allocator.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

describe('allocator setting of the binary', () => {
  it('re-runs only long commands on Linux, never over a user setting or a debugger', () => {
    const facts = { platform: 'linux', args: ['compare', '--preset', 'quick'], env: {}, execArgv: [] };
    expect(shouldRerunWithAllocator(facts)).toBe(true);
    expect(shouldRerunWithAllocator({ ...facts, args: ['train'] })).toBe(true);
    expect(shouldRerunWithAllocator({ ...facts, args: ['prepare', 'otto'] })).toBe(false);
    expect(shouldRerunWithAllocator({ ...facts, args: [] })).toBe(false);
    expect(shouldRerunWithAllocator({ ...facts, platform: 'darwin' })).toBe(false);
    expect(shouldRerunWithAllocator({ ...facts, env: { MALLOC_MMAP_THRESHOLD_: '0' } })).toBe(false);
    expect(shouldRerunWithAllocator({ ...facts, env: { DTRN_NO_REEXEC: '1' } })).toBe(false);
    expect(shouldRerunWithAllocator({ ...facts, execArgv: ['--inspect-brk'] })).toBe(false);
  });

  it('runs the command in a child with the setting and passes its exit code and output on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtrn-allocator-'));
    const seen = join(dir, 'seen.txt');
    const preload = join(dir, 'record.cjs');
    writeFileSync(
      preload,
      `require('node:fs').appendFileSync(${JSON.stringify(seen)}, (process.env.MALLOC_MMAP_THRESHOLD_ ?? 'unset') + '\\n');`,
    );
    const { MALLOC_MMAP_THRESHOLD_: _set, DTRN_NO_REEXEC: _off, ...env } = process.env;
    const result = spawnSync(process.execPath, [BIN, 'compare', '--preset', 'nope'], {
      env: { ...env, NODE_OPTIONS: `--require ${preload}` },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr.match(/dtrn: --preset: unknown preset "nope"/g)).toHaveLength(1);
    const processes = readFileSync(seen, 'utf8').trim().split('\n');
    expect(processes).toEqual(process.platform === 'linux' ? ['unset', MMAP_THRESHOLD_BYTES] : ['unset']);
  });
});
