/**
 * GAUC groups for data whose group lives in an extra column. The OTTO loader keeps each sample's
 * session ordinal in `extras['group/session']` instead of a sparse group field (a field would need
 * an id space of one row per session: 12.9M on the full set). Evaluation reads `dataset.groups`, so
 * the app sets them from that column, for raw OTTO files and for shards prepared from them.
 */
import { DataError } from '@dtrn/base';
import type { InMemoryDataset } from '@dtrn/data';
import { OTTO_SESSION_COLUMN } from '@dtrn/datasets';

/** Largest integer a float32 column holds exactly (2^24). */
const FLOAT32_EXACT_INTEGERS = 2 ** 24;

/** The dataset with `groups` from the session column when it has that column and no groups. */
export function withSessionGroups<T extends InMemoryDataset>(dataset: T, where: string): T {
  const sessions = dataset.extras?.[OTTO_SESSION_COLUMN];
  if (dataset.groups || !sessions) return dataset;
  const groups = new Int32Array(sessions.length);
  for (let row = 0; row < sessions.length; row++) {
    const value = sessions[row]!;
    if (!Number.isInteger(value) || value < 0 || value >= FLOAT32_EXACT_INTEGERS) {
      throw new DataError(`${where}: a session ordinal is not an exact integer`, {
        where: { field: `extras['${OTTO_SESSION_COLUMN}']`, index: row },
        expected: `an integer in [0, ${FLOAT32_EXACT_INTEGERS}) (float32 is exact only up to 2^24)`,
        found: value,
      });
    }
    groups[row] = value;
  }
  return { ...dataset, groups };
}
