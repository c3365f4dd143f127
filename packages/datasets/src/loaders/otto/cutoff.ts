/**
 * The seeded cutoff of an OTTO session: a uniform event index c in [1, n - 1], moved forward (or,
 * if none is left, back) to a change of timestamp so that events sharing a timestamp (several items
 * ordered at once) never straddle the cutoff. The prefix is events [0, c), the future [c, n).
 * Returns -1 when the session cannot be cut (fewer than 2 events, or a single timestamp).
 */
import { createRng, deriveSeed } from '@dtrn/base';
import type { OttoSession } from './parse-session.js';

export function chooseCutoff(session: OttoSession, seed: number): number {
  const n = session.length;
  if (n < 2) return -1;
  const times = session.timestamps;
  const rng = createRng(deriveSeed(seed, 'otto/cutoff', session.session));
  const start = 1 + rng.int(n - 1);
  for (let c = start; c < n; c++) if (times[c] !== times[c - 1]) return c;
  for (let c = start - 1; c >= 1; c--) if (times[c] !== times[c - 1]) return c;
  return -1;
}
