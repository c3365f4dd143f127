/**
 * End to end: the built page (dist/, built first if missing) served from a local static server,
 * driven in Debian's headless Chromium through playwright-core. A tiny two-model comparison must
 * finish with a finite test AUC for every task and model, TRM field weights and gate charts, no
 * console error (page or worker), and no request outside the local server. A stopped run must still
 * report the trained part. Screenshots go to test-artifacts/ (CI keeps them as artifacts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchPlayground, type PlaygroundBrowser, startRun, waitForEnd } from './browser.js';

let playground: PlaygroundBrowser;

/** A comparison small enough for CI (~20 s on wasm in headless Chromium on 2 cores). */
async function fillTinyComparison(page: Page, steps: number): Promise<void> {
  await page.selectOption('#setting', 'full-conflict');
  await page.fill('#num-samples', '5000');
  await page.fill('#sequence-length', '8');
  await page.selectOption('#model-scale', 'tiny');
  await page.fill('#steps', String(steps));
  await page.fill('#batch-size', '128');
  await page.fill('#evaluate-every', '10');
  await page.fill('#learning-rate', '0.01');
  // Exactly ple and dtrn-ple.
  for (const box of await page.locator('input[name="models"]').all()) {
    const value = await box.getAttribute('value');
    await box.setChecked(value === 'ple' || value === 'dtrn-ple');
  }
}

async function aucCells(page: Page): Promise<{ model: string; task: string; text: string }[]> {
  return page.$$eval('#results-table td[data-metric="auc"]', (cells) =>
    cells.map((cell) => ({
      model: cell.getAttribute('data-model') ?? '',
      task: cell.getAttribute('data-task') ?? '',
      text: cell.textContent ?? '',
    })),
  );
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  playground = await launchPlayground();
});

afterAll(async () => {
  await playground?.close();
});

describe('playground in headless Chromium', () => {
  it('runs a tiny DTRN-PLE vs PLE comparison to a finite result table with inspections', async () => {
    const { page, watch } = await playground.open();
    await fillTinyComparison(page, 60);
    await startRun(page);
    await waitForEnd(page, watch);

    const backend = await page.getAttribute('#backend-status', 'data-backend');
    expect(['webgl', 'wasm', 'cpu']).toContain(backend);
    expect(await page.textContent('#backend-status')).toMatch(/^Backend: (webgl|wasm|cpu)/);

    const cells = await aucCells(page);
    expect(cells.map((cell) => `${cell.model}/${cell.task}`).sort()).toEqual([
      'dtrn-ple/click',
      'dtrn-ple/conversion',
      'ple/click',
      'ple/conversion',
    ]);
    for (const cell of cells) {
      const value = Number(cell.text);
      expect(Number.isFinite(value), `${cell.model}/${cell.task}: "${cell.text}"`).toBe(true);
      expect(value).toBeGreaterThan(0);
      expect(value).toBeLessThan(1);
    }
    const differences = await page.$$eval('td[data-metric="auc-difference"]', (tds) => tds.length);
    expect(differences).toBe(2);
    // Above the table, in plain words: this run (full conflict, no Shared-Bottom) is not evidence.
    expect(await page.getAttribute('#result-verdict', 'data-check')).toBe('not-run');
    expect(await page.textContent('#result-verdict')).toContain('not evidence for or against DTRN');
    expect(await page.locator('[data-inspection="field-weights"][data-model="dtrn-ple"]').count()).toBe(1);
    expect(await page.locator('[data-inspection="field-weights"][data-model="ple"]').count()).toBe(0);
    expect(await page.locator('[data-inspection="gates"]').count()).toBe(2);
    // Every line chart received points: 2 tasks x (loss, AUC).
    expect(await page.locator('#curves canvas').count()).toBe(4);

    await page.screenshot({ path: join(ARTIFACTS, 'playground.png'), fullPage: true });
    expect(watch.errors).toEqual([]);
    expect(watch.foreignRequests).toEqual([]);
    expect(playground.server.requested.some((path) => path.endsWith('.wasm')) || backend !== 'wasm').toBe(
      true,
    );
    await page.close();
  });

  it('stops a run on request and still reports the model trained so far', async () => {
    const { page, watch } = await playground.open();
    await fillTinyComparison(page, 100_000);
    await startRun(page);
    await page.waitForFunction(
      () =>
        document.body.dataset.state !== 'running' ||
        ((document.querySelector('#progress-ple') as HTMLProgressElement | null)?.value ?? 0) >= 10,
      undefined,
      { timeout: 120_000 },
    );
    await page.click('#stop');
    await waitForEnd(page, watch);
    const rows = await page.$$eval('#results-table tbody tr[data-model] th', (ths) =>
      ths.map((th) => th.textContent),
    );
    expect(rows).toEqual(['ple (stopped)']);
    const cells = await aucCells(page);
    expect(cells).toHaveLength(2);
    for (const cell of cells) expect(Number.isFinite(Number(cell.text))).toBe(true);
    expect(await page.textContent('#model-progress')).toContain('skipped (stopped)');
    await page.screenshot({ path: join(ARTIFACTS, 'playground-stopped.png'), fullPage: true });
    expect(watch.errors).toEqual([]);
    await page.close();
  });
});
