/**
 * results.json versions: version 2 numbers epochs from 1; `dtrn report` still reads version 1
 * (epochs from 0) and upgrades it; a later version is refused with a clear error.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../src/program.js';
import { RESULTS_VERSION, readRunResults } from '../src/report/results-file.js';
import { formatResultsMarkdown } from '../src/report/results-markdown.js';
import { captureStreams } from './helpers/capture.js';

/** A results.json as dtrn wrote it before epochs were numbered from 1. */
function versionOne() {
  const epoch = (index: number, improved: boolean) => ({
    epoch: index,
    steps: 4,
    trainLossPerTask: [0.6 - index / 10],
    validationAuc: [0.6 + index / 100],
    improved,
  });
  return {
    format: 'dtrn-run-results',
    version: 1,
    kind: 'compare',
    name: 'old',
    description: '',
    data: 'synthetic control/tiny',
    createdAt: '2026-01-01T00:00:00.000Z',
    backend: { preference: 'wasm', selected: 'wasm', tfjsBackend: 'wasm', summary: 'wasm', attempts: [] },
    tasks: ['click'],
    models: ['shared-bottom'],
    seeds: [0],
    runs: [
      {
        model: 'shared-bottom',
        seed: 0,
        test: [{ task: 'click', count: 100, positives: 30, auc: 0.61, gauc: null, logloss: 0.55 }],
        history: [epoch(0, true), epoch(1, true), epoch(2, false)],
        bestEpoch: 1,
        stoppedReason: 'earlyStopping',
        steps: 12,
        seconds: 1.5,
        samplesPerSecond: 800,
        parameters: { dense: 100, embedding: 200 },
        inspection: null,
      },
    ],
    summary: [
      {
        model: 'shared-bottom',
        tasks: [
          {
            task: 'click',
            auc: { mean: 0.61, std: null, n: 1 },
            gauc: { mean: null, std: null, n: 0 },
            logloss: { mean: 0.55, std: null, n: 1 },
          },
        ],
      },
    ],
    gains: [],
    oracles: [],
    check: {
      applicable: false,
      note: 'real data: no oracle',
      threshold: 0.9,
      source: null,
      tasks: [],
      passed: null,
    },
    seconds: 2,
  };
}

describe('results.json versions', () => {
  it('upgrades version 1 to epochs numbered from 1', () => {
    const results = readRunResults(versionOne(), 'results.json');
    expect(results.version).toBe(RESULTS_VERSION);
    expect(results.runs[0]!.history.map((epoch) => epoch.epoch)).toEqual([1, 2, 3]);
    expect(results.runs[0]!.bestEpoch).toBe(2);
    expect(formatResultsMarkdown(results)).toMatch(/^\| shared-bottom \| 0 \| 12 \| 2 \| earlyStopping \|/m);
    expect(readRunResults({ ...versionOne(), version: 2 }, 'results.json').runs[0]!.bestEpoch).toBe(1);
  });

  it('dtrn report reads a version 1 run and refuses a later version, naming the file', async () => {
    const run = join(mkdtempSync(join(tmpdir(), 'dtrn-results-file-')), 'run');
    mkdirSync(run);
    writeFileSync(join(run, 'results.json'), JSON.stringify(versionOne()));
    const streams = captureStreams();
    await createProgram({ streams }).program.parseAsync(['node', 'dtrn', 'report', '--run', run]);
    expect(streams.out().trim()).toBe(join(run, 'report.html'));
    expect(readFileSync(join(run, 'report.html'), 'utf8')).toContain('<title>dtrn compare: old</title>');
    writeFileSync(join(run, 'results.json'), JSON.stringify({ ...versionOne(), version: 3 }));
    await expect(
      createProgram({ streams }).program.parseAsync(['node', 'dtrn', 'report', '--run', run]),
    ).rejects.toThrow(`results.json has version 3, which this dtrn cannot read`);
  });
});
