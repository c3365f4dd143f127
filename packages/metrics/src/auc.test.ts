import { createRng, DataError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { auc, aucOrUndefined } from './auc.js';

/** O(n^2) pair counting, the definition itself. */
function bruteForceAuc(labels: number[], scores: number[], weights?: number[]): number {
  let area = 0;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      const w = (weights?.[i] ?? 1) * (weights?.[j] ?? 1);
      total += w;
      if (scores[i]! > scores[j]!) area += w;
      else if (scores[i] === scores[j]) area += 0.5 * w;
    }
  }
  return area / total;
}

function randomCase(seed: number, n: number, distinctScores: number) {
  const rng = createRng(seed);
  const labels = Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
  labels[0] = 1;
  labels[1] = 0;
  const scores = labels.map((y) => Math.floor((rng.next() + 0.3 * y) * distinctScores) / distinctScores);
  const weights = labels.map(() => rng.int(4));
  weights[0] = 1;
  weights[1] = 1;
  return { labels, scores, weights };
}

describe('auc', () => {
  it('matches pair counting, with heavy ties and weights', () => {
    for (let seed = 0; seed < 20; seed++) {
      const { labels, scores, weights } = randomCase(seed, 150, seed % 2 === 0 ? 5 : 1000);
      expect(auc(labels, scores)).toBeCloseTo(bruteForceAuc(labels, scores), 12);
      expect(auc(labels, scores, weights)).toBeCloseTo(bruteForceAuc(labels, scores, weights), 12);
    }
  });

  it('handles perfect, inverted, all-tied and signed-zero scores', () => {
    expect(auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(auc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1])).toBe(0);
    expect(auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    expect(auc([0, 1], [-0, 0])).toBe(0.5);
    expect(auc([0, 1, 1], [-1e300, 1e300, -1e300])).toBe(0.75);
  });

  it('sorts 64-bit scores that float32 cannot tell apart', () => {
    expect(auc([0, 1], [0.1, 0.1 + 1e-12])).toBe(1);
    expect(auc([1, 0], [0.1, 0.1 + 1e-12])).toBe(0);
  });

  it('satisfies AUC(-s) = 1 - AUC(s) and invariance to monotone transforms', () => {
    const { labels, scores } = randomCase(3, 2000, 50);
    const value = auc(labels, scores);
    expect(
      auc(
        labels,
        scores.map((s) => -s),
      ),
    ).toBeCloseTo(1 - value, 12);
    expect(
      auc(
        labels,
        scores.map((s) => Math.exp(3 * s) - 7),
      ),
    ).toBeCloseTo(value, 12);
    expect(auc(labels, Float32Array.from(scores.map((s) => 1 / (1 + Math.exp(-s)))))).toBeCloseTo(value, 12);
  });

  it('treats a weight of 2 as a duplicated row and a weight of 0 as a dropped row', () => {
    const { labels, scores, weights } = randomCase(8, 300, 40);
    const dupLabels: number[] = [];
    const dupScores: number[] = [];
    labels.forEach((label, i) => {
      for (let r = 0; r < weights[i]!; r++) {
        dupLabels.push(label);
        dupScores.push(scores[i]!);
      }
    });
    expect(auc(labels, scores, weights)).toBeCloseTo(auc(dupLabels, dupScores), 12);
  });

  it('says AUC is undefined for one class instead of returning 0.5', () => {
    expect(() => auc([1, 1, 1], [0.1, 0.2, 0.3])).toThrow(
      'auc: AUC is undefined when only one class is present (expected both labels 0 and 1 with non-zero weight, found "3 positives and 0 negatives")',
    );
    expect(aucOrUndefined([0, 0], [0.1, 0.2])).toBeUndefined();
    expect(aucOrUndefined([0, 1], [0.1, 0.2], [1, 0])).toBeUndefined();
  });

  it('rejects bad input naming the argument and index', () => {
    expect(() => auc([0, 1], [0.1])).toThrow(
      'auc: scores and labels differ in length (expected length 2 (as labels), found "length 1")',
    );
    expect(() => auc([], [])).toThrow('auc: labels is empty');
    expect(() => auc([0, 2], [0.1, 0.2])).toThrow(
      'field labels, index 1: auc: labels must be 0 or 1 (expected 0 or 1, found 2)',
    );
    expect(() => auc([0, 1], [0.1, Number.NaN])).toThrow('field scores, index 1: auc: scores must be finite');
    expect(() => auc([0, 1], [0.1, Number.POSITIVE_INFINITY])).toThrow(DataError);
    expect(() => auc([0, 1], [0.1, 0.2], [1, -1])).toThrow(
      'field weights, index 1: auc: weights must be finite and non-negative',
    );
    expect(() => auc([0, 1], [0.1, 0.2], [1])).toThrow('weights and labels differ in length');
  });
});
