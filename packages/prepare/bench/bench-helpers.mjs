// Shared by the prepare benchmarks: run windows in child processes, medians per stage.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from '@dtrn/tooling/bench';

const ONCE = fileURLToPath(new URL('./prepare-once.mjs', import.meta.url));

/** Runs `windows` preparations of `config`, one child process each; returns their JSON results. */
export function runWindows(config, out, windows, file) {
  const results = [];
  for (let w = 0; w < windows; w++) {
    const args = [ONCE, config, out, ...(file ? [file] : [])];
    const line = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 2 ** 26 })
      .trim()
      .split('\n')
      .at(-1);
    results.push(JSON.parse(line));
    process.stderr.write(`  window ${w + 1}/${windows}: ${results.at(-1).seconds.toFixed(2)} s\n`);
  }
  return results;
}

/** Median seconds per stage over the windows. */
export function stageMedians(results) {
  const stages = Object.keys(results[0].timings);
  return Object.fromEntries(
    stages.map((stage) => [stage, Number(median(results.map((r) => r.timings[stage] ?? 0)).toFixed(2))]),
  );
}
