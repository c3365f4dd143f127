/**
 * Opens a file in Debian's headless Chromium through playwright-core, collects console errors and
 * page errors, and saves a full-page screenshot.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface RenderedPage {
  readonly errors: string[];
  readonly rendered: boolean;
  readonly canvasCount: number;
  /** Canvases whose pixels are not all blank. */
  readonly paintedCanvasCount: number;
  readonly title: string;
}

export async function renderInChromium(htmlFile: string, screenshotFile: string): Promise<RenderedPage> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'dtrn-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) errors.push(`network request: ${request.url()}`);
    });
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load' });
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 20_000 }).catch(() => undefined);
    const facts = await page.evaluate(() => {
      const canvases = [...document.querySelectorAll('canvas')];
      const painted = canvases.filter((canvas) => {
        const context = canvas.getContext('2d');
        if (!context || canvas.width === 0 || canvas.height === 0) return false;
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
        return false;
      });
      return {
        rendered: document.body.getAttribute('data-rendered') === 'true',
        canvasCount: canvases.length,
        paintedCanvasCount: painted.length,
        title: document.title,
      };
    });
    mkdirSync(dirname(screenshotFile), { recursive: true });
    await page.screenshot({ path: screenshotFile, fullPage: true });
    return { errors, ...facts };
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}
