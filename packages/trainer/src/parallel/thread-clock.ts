/**
 * The calling thread's own clocks, for the per-step timing of data-parallel workers: wall time,
 * and where Linux reports it (`/proc/thread-self/schedstat`), the thread's CPU time and the time it
 * waited for a core while runnable. On a shared machine wall time includes other processes' turns;
 * CPU time does not, and the wait time says how long this thread was kept off the cores.
 */
import { readFileSync } from 'node:fs';

export interface ThreadClock {
  readonly wallMs: number;
  /** CPU time of this thread, or null where the platform does not report it. */
  readonly cpuMs: number | null;
  /** Time this thread waited runnable for a core, or null. */
  readonly waitMs: number | null;
}

/** Time one phase took on this thread. */
export interface PhaseTiming {
  readonly wallMs: number;
  readonly cpuMs: number | null;
  readonly waitMs: number | null;
}

let schedstat = process.platform === 'linux';

export function readThreadClock(): ThreadClock {
  const wallMs = performance.now();
  if (schedstat) {
    try {
      const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ');
      return { wallMs, cpuMs: Number(run) / 1e6, waitMs: Number(wait) / 1e6 };
    } catch {
      schedstat = false; // not available (container without /proc, another kernel): wall time only
    }
  }
  return { wallMs, cpuMs: null, waitMs: null };
}

/** What happened on this thread between `start` and now. */
export function phaseSince(start: ThreadClock): PhaseTiming {
  const end = readThreadClock();
  const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
  return {
    wallMs: end.wallMs - start.wallMs,
    cpuMs: diff(start.cpuMs, end.cpuMs),
    waitMs: diff(start.waitMs, end.waitMs),
  };
}
