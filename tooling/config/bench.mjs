// Timing helpers shared by the benchmarks (`bench/` of every package): the median, timed calls and
// windows of calls (wall and CPU time), and the machine line a README figure names (lscpu's model
// name, vCPUs, load average). CPU time is the process's user + system time (process.cpuUsage), which
// other jobs on a shared machine inflate far less than wall time.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';

/** The middle value of `values` (the mean of the two middle ones for an even count); NaN for none. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** User + system CPU milliseconds since `start` (a `process.cpuUsage()` reading). */
function cpuMsSince(start) {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Wall and CPU milliseconds of one call of `fn`, with its result. */
export function timed(fn) {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const result = fn();
  return { wall: performance.now() - start, cpu: cpuMsSince(cpuStart), result };
}

/** `timed` for an async `fn` (awaited inside the timing). */
export async function timedAsync(fn) {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const result = await fn();
  return { wall: performance.now() - start, cpu: cpuMsSince(cpuStart), result };
}

/** One window of `steps` calls of `fn`: wall and CPU milliseconds per call. */
export function timeWindow(fn, steps = 1) {
  const { wall, cpu } = timed(() => {
    for (let s = 0; s < steps; s++) fn();
  });
  return { wall: wall / steps, cpu: cpu / steps };
}

/**
 * `windows` windows of `steps` calls of `fn` (no warm-up: run that first): per window, wall and CPU
 * milliseconds per call, in run order (take their `median`).
 */
export function timeWindows(fn, { windows, steps = 1 }) {
  const wall = [];
  const cpu = [];
  for (let w = 0; w < windows; w++) {
    const window = timeWindow(fn, steps);
    wall.push(window.wall);
    cpu.push(window.cpu);
  }
  return { wall, cpu };
}

/**
 * Variants timed side by side: for each of `kinds` in turn, `windows` rounds in which every case
 * runs one window of `steps` calls of `case[kind]` (warm up first). Returns, per case, per kind,
 * one `{ wall, cpu }` (ms per call) per window, in run order.
 */
export function interleavedWindows(cases, kinds, { windows, steps = 1 }) {
  const results = cases.map(() => Object.fromEntries(kinds.map((kind) => [kind, []])));
  for (const kind of kinds) {
    for (let w = 0; w < windows; w++) {
      for (const [i, c] of cases.entries()) results[i][kind].push(timeWindow(c[kind], steps));
    }
  }
  return results;
}

/** The median wall and CPU ms of a list of `{ wall, cpu }` windows. */
export function medianTimes(windows) {
  return { wall: median(windows.map((t) => t.wall)), cpu: median(windows.map((t) => t.cpu)) };
}

/** The 1, 5 and 15 minute load averages, space-separated, with `digits` decimals. */
export function loadAverage(digits = 2) {
  return loadavg()
    .map((load) => load.toFixed(digits))
    .join(' ');
}

/** The CPU's model name as lscpu prints it (Node's name for it when lscpu is missing). */
export function cpuModel() {
  const fallback = cpus()[0]?.model?.trim() || 'unknown CPU';
  try {
    const lscpu = execFileSync('lscpu', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /Model name:\s*(.+)/.exec(lscpu)?.[1]?.trim() ?? fallback;
  } catch {
    return fallback;
  }
}

/** `<lscpu model name>, <n> vCPU, load average <1m> <5m> <15m>`: the machine a figure came from. */
export function machineLine(digits = 2) {
  return `${cpuModel()}, ${cpus().length} vCPU, load average ${loadAverage(digits)}`;
}
