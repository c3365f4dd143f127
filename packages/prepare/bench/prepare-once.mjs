// One timed preparation in its own process (so peak RSS is this run's, DuckDB's native memory
// included): node prepare-once.mjs <config.yaml> <out> [file]. Prints one JSON line.
import { rm } from 'node:fs/promises';
import { prepareTable, readTableConfigFile } from '../dist/index.js';

const [configPath, out, file] = process.argv.slice(2);
const raw = await readTableConfigFile(configPath);
const started = performance.now();
const result = await prepareTable(raw, { configPath, out, overwrite: true, ...(file ? { file } : {}) });
const seconds = (performance.now() - started) / 1000;
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
console.log(
  JSON.stringify({
    seconds,
    maxRssMiB,
    rows: result.rows,
    timings: result.report.timings,
    events: result.report.events ?? null,
  }),
);
await rm(out, { recursive: true, force: true });
