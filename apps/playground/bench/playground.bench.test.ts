/**
 * Benchmark of the page as a user runs it: the default comparison (the form untouched: full-conflict,
 * 5,000 rows, sequences of 20, compact PLE vs DTRN-PLE, 150 steps of 256) in headless Chromium on
 * the automatically chosen backend. Reports per-model training time and throughput, the whole run's
 * wall time, the longest main-thread stall while training (the worker should keep it small) and the
 * built asset sizes. Writes test-artifacts/bench.json and a screenshot, prints a Markdown table;
 * DTRN_UPDATE_SCREENSHOT=1 also refreshes docs/screenshot.png (the README's picture).
 *
 *   pnpm --filter @dtrn/playground build && pnpm --filter @dtrn/playground bench
 */
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  APP,
  ARTIFACTS,
  DIST,
  launchPlayground,
  type PlaygroundBrowser,
  startRun,
  waitForEnd,
} from '../test/browser.js';

let playground: PlaygroundBrowser;

beforeAll(async () => {
  playground = await launchPlayground();
});

afterAll(async () => {
  await playground?.close();
});

function assetSizes(): { file: string; kib: number; gzipKib: number }[] {
  const assets = join(DIST, 'assets');
  return readdirSync(assets)
    .filter((file) => /\.(js|wasm|css)$/.test(file))
    .map((file) => {
      const path = join(assets, file);
      return {
        file,
        kib: statSync(path).size / 1024,
        gzipKib: gzipSync(readFileSync(path)).length / 1024,
      };
    })
    .sort((a, b) => b.kib - a.kib);
}

it('default comparison in headless Chromium', async () => {
  const { page, watch } = await playground.open();
  // Main-thread probe: the longest gap between 20 ms timer ticks while the worker trains.
  await page.evaluate(() => {
    const probe = { last: performance.now(), maxGap: 0 };
    (window as unknown as { mainThreadProbe: typeof probe }).mainThreadProbe = probe;
    setInterval(() => {
      const now = performance.now();
      probe.maxGap = Math.max(probe.maxGap, now - probe.last);
      probe.last = now;
    }, 20);
  });
  const started = Date.now();
  await startRun(page);
  await waitForEnd(page, watch, 600_000);
  const wallSeconds = (Date.now() - started) / 1000;
  const maxGapMs = await page.evaluate(
    () => (window as unknown as { mainThreadProbe: { maxGap: number } }).mainThreadProbe.maxGap,
  );
  const backend = (await page.textContent('#backend-status')) ?? '';
  const rows = await page.$$eval('#results-table tbody tr[data-model]', (trs) =>
    trs.map((tr) => {
      const cells = Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '');
      const auc = Array.from(tr.querySelectorAll('td[data-metric="auc"]')).map((td) =>
        Number(td.textContent),
      );
      // Columns after the 4 per-task cells of 2 tasks: steps, time, samples/s, dense, embedding.
      const [steps, seconds, samplesPerSecond] = cells
        .slice(8, 11)
        .map((text) => Number(text.replace(/,/g, '')));
      return { model: tr.getAttribute('data-model') ?? '', steps, seconds, samplesPerSecond, auc };
    }),
  );
  const result = {
    date: new Date().toISOString().slice(0, 10),
    backend,
    wallSeconds,
    maxMainThreadGapMs: maxGapMs,
    models: rows,
    assets: assetSizes(),
  };
  await page.screenshot({ path: join(ARTIFACTS, 'playground-default.png'), fullPage: true });
  if (process.env.DTRN_UPDATE_SCREENSHOT === '1') {
    copyFileSync(join(ARTIFACTS, 'playground-default.png'), join(APP, 'docs', 'screenshot.png'));
  }
  writeFileSync(join(ARTIFACTS, 'bench.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    [
      `date ${result.date}; ${backend}`,
      `whole run (data, 2 models, validation every 10 steps, test, bootstrap): ${wallSeconds.toFixed(1)} s; longest main-thread gap ${maxGapMs.toFixed(0)} ms`,
      '| model | steps | training s | train samples/s | test AUC click | test AUC conversion |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows.map(
        (row) =>
          `| ${row.model} | ${row.steps} | ${row.seconds} | ${row.samplesPerSecond} | ${row.auc[0]?.toFixed(4)} | ${row.auc[1]?.toFixed(4)} |`,
      ),
      '| asset | KiB | gzip KiB |',
      '| --- | --- | --- |',
      ...result.assets.map(
        (asset) => `| ${asset.file} | ${asset.kib.toFixed(0)} | ${asset.gzipKib.toFixed(0)} |`,
      ),
    ].join('\n'),
  );
  expect(rows.map((row) => row.steps)).toEqual([150, 150]);
  expect(watch.errors).toEqual([]);
});
