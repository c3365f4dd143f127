/**
 * `dtrn compare --preset tiny --models ple,stem-ple --seeds 1` through the built binary: the STEM
 * preset trains next to its base, its gain is measured against `ple`, and its parameter counts
 * include the per-task tables (K + 1 = 3 copies of the base's embedding rows, a head twice as wide
 * at its input).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunResults } from '../src/report/results-file.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

describe('dtrn compare with a STEM preset (built binary)', () => {
  it('trains ple and stem-ple, reports the gain over ple and counts the extra tables', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dtrn-stem-')), 'run');
    const args = ['compare', '--preset', 'tiny', '--models', 'ple,stem-ple', '--seeds', '1'];
    const run = spawnSync(
      process.execPath,
      [BIN, ...args, '--epochs', '1', '--workers', '1', '--backend', 'wasm', '--out', out],
      { encoding: 'utf8', timeout: 240_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\| stem-ple \| ple \| click \|/);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
    const runs = new Map(results.runs.map((r) => [r.model, r]));
    expect([...runs.keys()]).toEqual(['ple', 'stem-ple']);
    const ple = runs.get('ple')!.parameters;
    const stem = runs.get('stem-ple')!.parameters;
    expect(stem.embedding).toBe(3 * ple.embedding); // shared + click + conversion tables
    expect(stem.dense).toBeGreaterThan(ple.dense); // the head's first layers read 2·N·d
    expect(results.gains.map((g) => [g.model, g.base, g.task])).toEqual([
      ['stem-ple', 'ple', 'click'],
      ['stem-ple', 'ple', 'conversion'],
    ]);
    for (const r of runs.values()) expect(r.test.every((t) => Number.isFinite(t.auc))).toBe(true);
  }, 300_000);
});
