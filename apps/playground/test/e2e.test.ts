/**
 * End to end: the built page (dist/, built first if missing) served from a local static server,
 * driven in Debian's headless Chromium through playwright-core. A tiny two-model comparison must
 * finish with a finite test AUC for every task and model, TRM field weights and gate charts, no
 * console error (page or worker), and no request outside the local server. A stopped run must still
 * report the trained part. Screenshots go to test-artifacts/ (DTRN_UPDATE_SCREENSHOT=1 also
 * refreshes docs/screenshot.png for the README).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, serveDirectory } from './static-server.js';

const APP = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(APP, 'dist');
const ARTIFACTS = join(APP, 'test-artifacts');
const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let server: StaticServer;
let browser: Browser;

function buildIfMissing(): void {
  if (existsSync(join(DIST, 'index.html'))) return;
  const vite = join(APP, 'node_modules', '.bin', 'vite');
  const result = spawnSync(vite, ['build'], { cwd: APP, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
}

interface PageWatch {
  readonly errors: string[];
  readonly foreignRequests: string[];
}

async function openPage(): Promise<{ page: Page; watch: PageWatch }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const watch: PageWatch = { errors: [], foreignRequests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watch.errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => watch.errors.push(`page error: ${error.message}`));
  page.on('worker', (worker) => {
    worker.on('console', (message) => {
      if (message.type() === 'error') watch.errors.push(`worker console: ${message.text()}`);
    });
  });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(server.url) && !url.startsWith('data:') && !url.startsWith('blob:')) {
      watch.foreignRequests.push(url);
    }
  });
  await page.goto(server.url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-state="idle"]', { timeout: 30_000 });
  return { page, watch };
}

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

/** Clicks start and checks that the run began (the form's own validation would keep it idle). */
async function start(page: Page): Promise<void> {
  await page.click('#start');
  const state = await page.getAttribute('body', 'data-state');
  const formError = await page.textContent('#form-error');
  const invalid = await page.$$eval('input:invalid, select:invalid', (inputs) =>
    inputs.map((input) => `${input.id}: ${(input as HTMLInputElement).validationMessage}`),
  );
  expect(state, `the run did not start; form error "${formError}", invalid ${invalid.join('; ')}`).toBe(
    'running',
  );
}

async function waitForEnd(page: Page, errors: readonly string[]): Promise<string> {
  await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 240_000 });
  const state = await page.getAttribute('body', 'data-state');
  if (state === 'error') {
    throw new Error(`the page reported: ${await page.textContent('#form-error')}\n${errors.join('\n')}`);
  }
  return state ?? '';
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
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: the playground e2e test needs Debian's Chromium (apt-get install -y chromium); CI installs it in .ci/run`,
    );
  }
  buildIfMissing();
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await serveDirectory(DIST);
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('playground in headless Chromium', () => {
  it('runs a tiny DTRN-PLE vs PLE comparison to a finite result table with inspections', async () => {
    const { page, watch } = await openPage();
    await fillTinyComparison(page, 60);
    await start(page);
    await waitForEnd(page, watch.errors);

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
    expect(await page.locator('[data-inspection="field-weights"][data-model="dtrn-ple"]').count()).toBe(1);
    expect(await page.locator('[data-inspection="field-weights"][data-model="ple"]').count()).toBe(0);
    expect(await page.locator('[data-inspection="gates"]').count()).toBe(2);
    // Every line chart received points: 2 tasks x (loss, AUC).
    expect(await page.locator('#curves canvas').count()).toBe(4);

    await page.screenshot({ path: join(ARTIFACTS, 'playground.png'), fullPage: true });
    if (process.env.DTRN_UPDATE_SCREENSHOT === '1') {
      copyFileSync(join(ARTIFACTS, 'playground.png'), join(APP, 'docs', 'screenshot.png'));
    }
    expect(watch.errors).toEqual([]);
    expect(watch.foreignRequests).toEqual([]);
    expect(server.requested.some((path) => path.endsWith('.wasm')) || backend !== 'wasm').toBe(true);
    await page.close();
  });

  it('stops a run on request and still reports the model trained so far', async () => {
    const { page, watch } = await openPage();
    await fillTinyComparison(page, 100_000);
    await start(page);
    await page.waitForFunction(
      () =>
        document.body.dataset.state !== 'running' ||
        ((document.querySelector('#progress-ple') as HTMLProgressElement | null)?.value ?? 0) >= 10,
      undefined,
      { timeout: 120_000 },
    );
    await page.click('#stop');
    await waitForEnd(page, watch.errors);
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
