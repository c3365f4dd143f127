/**
 * The one-run and side-by-side pages in Debian's headless Chromium: no console errors or network
 * requests, every chart painted (per-step curves and seed dots included), screenshots saved.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../src/program.js';
import { captureStreams } from './helpers/capture.js';
import { renderInChromium } from './helpers/chromium.js';
import { type FixtureRun, writeFixtureRun } from './helpers/report-fixture.js';

const RUN: FixtureRun = {
  name: 'chromium',
  tasks: ['click', 'conversion'],
  seeds: [0, 1],
  auc: {
    ple: [
      [0.7, 0.8],
      [0.71, 0.79],
    ],
    'dtrn-ple': [
      [0.72, 0.81],
      [0.7, 0.8],
    ],
  },
  gains: [
    {
      model: 'dtrn-ple',
      base: 'ple',
      perSeed: [
        [0.02, 0.01],
        [-0.01, 0.01],
      ],
    },
  ],
  steps: {
    ple: [
      [
        [50, 0.6, 0.5],
        [100, 0.5, 0.4],
      ],
      [
        [50, 0.62, 0.52],
        [100, 0.48, 0.41],
      ],
    ],
  },
  config: { name: 'chromium' },
  environment: { command: 'dtrn compare', gitCommit: 'abc' },
};

async function report(args: string[]): Promise<string> {
  const streams = captureStreams();
  await createProgram({ streams }).program.parseAsync(['node', 'dtrn', 'report', ...args]);
  return streams.out().trim();
}

describe('report pages in headless Chromium', () => {
  const root = mkdtempSync(join(tmpdir(), 'dtrn-report-chromium-'));
  const artifacts = join(import.meta.dirname, '..', 'test-artifacts');

  it('draws the one-run page: gains, AUC, 2 tasks x (loss, AUC) per epoch, 2 per-step charts', async () => {
    const html = await report([writeFixtureRun(root, RUN)]);
    const page = await renderInChromium(html, join(artifacts, 'report-one-run.png'));
    expect(page.errors).toEqual([]);
    expect(page.rendered).toBe(true);
    expect(page.canvasCount).toBe(1 + 1 + 4 + 2);
    expect(page.paintedCanvasCount).toBe(page.canvasCount);
  });

  it('draws the side-by-side page: AUC per task, gains per task that has them, 2 curves per task', async () => {
    const other = writeFixtureRun(root, { ...RUN, name: 'other', tasks: ['click', 'purchase'], gains: [] });
    const first = join(root, 'chromium');
    const html = await report([first, other, '--out', join(root, 'both.html')]);
    const page = await renderInChromium(html, join(artifacts, 'report-side-by-side.png'));
    expect(page.errors).toEqual([]);
    expect(page.rendered).toBe(true);
    // AUC per task (click, conversion, purchase), gains where a run has them (click, conversion), curves
    expect(page.canvasCount).toBe(3 + 2 + 3 * 2);
    expect(page.paintedCanvasCount).toBe(page.canvasCount);
  });
});
