import { describe, expect, it } from 'vitest';
import { BUCKET_COST, chooseBucketLengths, planCompaction } from './compaction.js';

/** Masks [B, L] from per-sample rows of 0/1. */
function mask(rows: number[][]): Float32Array {
  return Float32Array.from(rows.flat());
}

describe('padding compaction plan', () => {
  it('keeps each sequence from its first valid position (holes included), leaves out all-padding ones', () => {
    // behavior 0, L = 4: spans 2, 0, 4 (a hole at position 1 stays, masked)
    // behavior 1, L = 3: spans 1, 3, 0
    const masks = [
      mask([
        [0, 0, 1, 1],
        [0, 0, 0, 0],
        [1, 0, 1, 1],
      ]),
      mask([
        [0, 0, 1],
        [1, 1, 1],
        [0, 0, 0],
      ]),
    ];
    const plan = planCompaction(masks, [4, 3], 3);
    expect(plan.numSequences).toBe(4);
    expect(plan.sequenceOf[0 * 3 + 1]).toBe(plan.numSequences); // all padding: no sequence
    expect(plan.sequenceOf[1 * 3 + 2]).toBe(plan.numSequences);
    // Every valid input position appears exactly once, with mask 1; every packed position maps
    // back to where it came from.
    const seen = new Map<number, number>();
    let offset = 0;
    for (const bucket of plan.buckets) {
      for (let i = 0; i < bucket.size; i++) {
        const sequence = bucket.offset + i;
        const m = plan.sequenceBehavior[sequence]!;
        const b = plan.sequenceSample[sequence]!;
        expect(plan.sequenceOf[m * 3 + b]).toBe(sequence);
        for (let l = 0; l < bucket.length; l++) {
          const position = offset + i * bucket.length + l;
          const row = plan.rowIndex[position]!;
          if (row === 12 + 9) {
            expect(bucket.mask[i * bucket.length + l]).toBe(0); // padding: the zero row
            continue;
          }
          const tableOffset = m === 0 ? 0 : 12;
          const original = row - tableOffset;
          expect(Math.floor(original / [4, 3][m]!)).toBe(b);
          expect(bucket.mask[i * bucket.length + l]).toBe(masks[m]![original]);
          expect(plan.rowInverse[m]![original]).toBe(position);
          seen.set(row, (seen.get(row) ?? 0) + 1);
        }
      }
      offset += bucket.size * bucket.length;
    }
    expect(offset).toBe(plan.numPositions);
    // behavior 0: sample 0 rows 2, 3; sample 2 rows 8..11 (9 masked); behavior 1: rows 12+2, 12+3..5
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual([2, 3, 8, 9, 10, 11, 14, 15, 16, 17]);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    // Rows never packed map to "not computed".
    expect(plan.rowInverse[0]![0]).toBe(plan.numPositions);
    expect(plan.rowInverse[0]![4]).toBe(plan.numPositions);
  });

  it('cuts spans into buckets by the cost model: sizes ascending, each span within its bucket', () => {
    const overhead = BUCKET_COST.bucketOverhead;
    try {
      BUCKET_COST.bucketOverhead = 0; // every distinct span its own bucket
      const rows = [1, 3, 3, 4, 0, 2].map((valid) =>
        Array.from({ length: 4 }, (_, l) => (l >= 4 - valid ? 1 : 0)),
      );
      const plan = planCompaction([mask(rows)], [4], 6);
      expect(plan.buckets.map((bucket) => bucket.length)).toEqual([1, 2, 3, 4]);
      expect(plan.buckets.map((bucket) => bucket.size)).toEqual([1, 1, 2, 1]);
      expect(plan.numPositions).toBe(1 + 2 + 6 + 4);
    } finally {
      BUCKET_COST.bucketOverhead = overhead;
    }
  });

  it('chooses fewer buckets when a bucket costs more than the padding it saves', () => {
    const counts = new Array<number>(41).fill(0);
    counts[2] = 5;
    counts[40] = 5;
    expect(chooseBucketLengths(counts)).toEqual([40]); // 5 short sequences: not worth a bucket
    counts[2] = 500;
    counts[40] = 500;
    expect(chooseBucketLengths(counts)).toEqual([2, 40]);
    expect(chooseBucketLengths(new Array<number>(5).fill(0))).toEqual([]);
  });

  it('keeps one all-padding sequence when nothing is valid, so the weights stay connected', () => {
    const plan = planCompaction([new Float32Array(6), new Float32Array(4)], [3, 2], 2);
    expect(plan.buckets).toHaveLength(1);
    expect(plan.buckets[0]!.length).toBe(1);
    expect(Array.from(plan.buckets[0]!.mask)).toEqual([0]);
    expect(plan.sequenceOf[0]).toBe(0); // behavior 0, sample 0 -> the placeholder (its interest is 0)
    expect(Array.from(plan.rowIndex)).toEqual([6 + 4]); // the zero row
  });

  it('mixes behaviors of different lengths in one bucket, padding the shorter ones with zero rows', () => {
    const overhead = BUCKET_COST.bucketOverhead;
    try {
      BUCKET_COST.bucketOverhead = 1e9; // one bucket
      const plan = planCompaction([mask([[1, 1, 1, 1]]), mask([[1, 1]])], [4, 2], 1);
      expect(plan.buckets).toHaveLength(1);
      expect(plan.buckets[0]!.length).toBe(4);
      expect(Array.from(plan.buckets[0]!.mask)).toEqual([1, 1, 1, 1, 0, 0, 1, 1]);
      expect(Array.from(plan.rowIndex)).toEqual([0, 1, 2, 3, 6, 6, 4, 5]); // 6: the zero row
    } finally {
      BUCKET_COST.bucketOverhead = overhead;
    }
  });
});
