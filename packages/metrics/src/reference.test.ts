// Agreement with scikit-learn 1.2.1 on 12 reference cases (ties, extremes, sizes 2 to 20,000).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auc } from './auc.js';
import { gauc } from './gauc.js';
import { logloss } from './logloss.js';

interface ReferenceCase {
  labels: number[];
  scores: number[];
  groups: number[];
  weights: number[];
  auc: number;
  weightedAuc: number;
  logloss: number;
  gauc: number;
  gaucUsers: number;
}

const reference = JSON.parse(
  readFileSync(new URL('../test/fixtures/metrics-sklearn.json', import.meta.url), 'utf8'),
) as { cases: ReferenceCase[] };

describe('agreement with scikit-learn', () => {
  it('has the 12 reference cases', () => {
    expect(reference.cases).toHaveLength(12);
  });

  reference.cases.forEach((c, index) => {
    it(`case ${index} (n = ${c.labels.length})`, () => {
      expect(Math.abs(auc(c.labels, c.scores) - c.auc)).toBeLessThan(1e-9);
      expect(Math.abs(auc(c.labels, c.scores, c.weights) - c.weightedAuc)).toBeLessThan(1e-9);
      expect(Math.abs(logloss(c.labels, c.scores) - c.logloss)).toBeLessThan(1e-9);
      const grouped = gauc(c.labels, c.scores, c.groups);
      expect(Math.abs(grouped.value - c.gauc)).toBeLessThan(1e-9);
      expect(grouped.groupsUsed).toBe(c.gaucUsers);
      // Typed-array inputs give the same results.
      expect(auc(Float64Array.from(c.labels), Float64Array.from(c.scores))).toBe(auc(c.labels, c.scores));
    });
  });
});
