import { createRng } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { auc } from './auc.js';
import { gauc } from './gauc.js';

describe('gauc', () => {
  it('is the impression-weighted mean of per-group AUC over groups with both classes', () => {
    const rng = createRng(4);
    const n = 3000;
    const groups = Array.from({ length: n }, () => rng.int(60) * 1000 - 20_000);
    const labels = groups.map(() => (rng.next() < 0.25 ? 1 : 0));
    const scores = labels.map((y) => Math.round((rng.next() + 0.4 * y) * 20) / 20);
    let weighted = 0;
    let impressions = 0;
    let used = 0;
    let skipped = 0;
    for (const group of new Set(groups)) {
      const idx = groups.map((g, i) => (g === group ? i : -1)).filter((i) => i >= 0);
      const groupLabels = idx.map((i) => labels[i]!);
      if (new Set(groupLabels).size < 2) {
        skipped++;
        continue;
      }
      used++;
      weighted +=
        idx.length *
        auc(
          groupLabels,
          idx.map((i) => scores[i]!),
        );
      impressions += idx.length;
    }
    const result = gauc(labels, scores, Int32Array.from(groups));
    expect(result.value).toBeCloseTo(weighted / impressions, 12);
    expect(result.groupsUsed).toBe(used);
    expect(result.groupsSkipped).toBe(skipped);
  });

  it('returns NaN with counts when no group has both classes', () => {
    expect(gauc([0, 1], [0.2, 0.4], [1, 2])).toEqual({ value: Number.NaN, groupsUsed: 0, groupsSkipped: 2 });
  });

  it('rejects bad groups', () => {
    expect(() => gauc([0, 1], [0.2, 0.4], [1, 1.5])).toThrow(
      'field groups, index 1: gauc: groups must be integers',
    );
    expect(() => gauc([0, 1], [0.2, 0.4], [1])).toThrow('gauc: groups and labels differ in length');
    expect(() => gauc([0, 1], [0.2, 0.4], [-(2 ** 40), 2 ** 40])).toThrow(
      'gauc: group ids span too wide a range',
    );
  });
});
