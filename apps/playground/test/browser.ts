/**
 * Shared by the e2e test and the benchmark: builds the page if dist/ is missing, serves it from a
 * local static server, launches Debian's headless Chromium through playwright-core (never a
 * downloaded browser) and opens the page while recording console errors (page and worker) and every
 * request that leaves the local server.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type StaticServer, serveDirectory } from './static-server.js';

export const APP = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(APP, 'dist');
export const ARTIFACTS = join(APP, 'test-artifacts');
export const CHROMIUM_PATH = '/usr/bin/chromium';
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

export interface PageWatch {
  readonly errors: string[];
  readonly foreignRequests: string[];
}

export interface PlaygroundBrowser {
  readonly server: StaticServer;
  readonly browser: Browser;
  open(): Promise<{ page: Page; watch: PageWatch }>;
  close(): Promise<void>;
}

function buildIfMissing(): void {
  if (existsSync(join(DIST, 'index.html'))) return;
  const vite = join(APP, 'node_modules', '.bin', 'vite');
  const result = spawnSync(vite, ['build'], { cwd: APP, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
}

export async function launchPlayground(): Promise<PlaygroundBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: the playground tests need Debian's Chromium (apt-get install -y chromium); CI installs it in .ci/run`,
    );
  }
  buildIfMissing();
  const server = await serveDirectory(DIST);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const open = async () => {
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
  };
  return {
    server,
    browser,
    open,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** Clicks start and checks that the run began (the form's own validation would keep it idle). */
export async function startRun(page: Page): Promise<void> {
  await page.click('#start');
  const state = await page.getAttribute('body', 'data-state');
  if (state === 'running') return;
  const formError = await page.textContent('#form-error');
  const invalid = await page.$$eval('input:invalid, select:invalid', (inputs) =>
    inputs.map((input) => `${input.id}: ${(input as HTMLInputElement).validationMessage}`),
  );
  throw new Error(
    `the run did not start (state ${state}); form error "${formError}", invalid: ${invalid.join('; ')}`,
  );
}

/** Waits for the run to end; throws with the page's error and the console errors on failure. */
export async function waitForEnd(page: Page, watch: PageWatch, timeout = 240_000): Promise<void> {
  await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout });
  if ((await page.getAttribute('body', 'data-state')) === 'error') {
    throw new Error(
      `the page reported: ${await page.textContent('#form-error')}\n${watch.errors.join('\n')}`,
    );
  }
}
