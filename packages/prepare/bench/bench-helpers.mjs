// Shared by the prepare benchmarks: run windows in child processes, medians, the machine's name.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const ONCE = fileURLToPath(new URL('./prepare-once.mjs', import.meta.url));

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

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

export function machine() {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const lscpu = execFileSync('lscpu', { encoding: 'utf8' });
    model = /Model name:\s*(.+)/.exec(lscpu)?.[1]?.trim() ?? model;
  } catch {}
  return `${model}, ${cpus().length} vCPU, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}

/** Median seconds per stage over the windows. */
export function stageMedians(results) {
  const stages = Object.keys(results[0].timings);
  return Object.fromEntries(
    stages.map((stage) => [stage, Number(median(results.map((r) => r.timings[stage] ?? 0)).toFixed(2))]),
  );
}
