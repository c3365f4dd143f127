/**
 * Padding compaction: which positions the encoder computes, planned in plain JavaScript from the
 * masks before any tensor math.
 *
 * The span of a sequence is the distance from its first valid position to its end (0 when it has
 * none). Everything before the first valid position is padding the encoder never needs: padded keys
 * get -1e9 (an exact zero weight after the softmax) and padded positions an exact zero pooling weight,
 * so leaving them out changes no output and no gradient. Sequences with a span (from every behavior
 * at once: the attention, the FFN and the pooling do not depend on the behavior) are sorted by span
 * and cut into buckets; bucket j holds n_j sequences at length L_j, its longest span, each
 * end-aligned (newest element at L_j - 1) and padded at the start. All-padding sequences are left
 * out (their interest is zero). The bucket cut minimises a cost model of the encoder's work.
 */

/** A bucket of sequences computed together at one length. */
export interface SpanBucket {
  /** L_j: the longest span in the bucket. */
  readonly length: number;
  /** n_j: number of sequences. */
  readonly size: number;
  /** Index of the bucket's first sequence in the packed order. */
  readonly offset: number;
  /** [n_j, L_j] row-major: 1 = valid, 0 = padding. */
  readonly mask: Float32Array;
}

export interface CompactionPlan {
  readonly batch: number;
  readonly numBehaviors: number;
  readonly buckets: readonly SpanBucket[];
  /** Sequences computed (sum of n_j). */
  readonly numSequences: number;
  /** Positions computed (sum of n_j * L_j). */
  readonly numPositions: number;
  /**
   * For every packed position (bucket-major, then sequence, then position): its row in the stacked
   * input table (behaviors concatenated, [sum_m B * L_m, d]), or the table's size (a zero row) for
   * padding.
   */
  readonly rowIndex: Int32Array;
  /** Per behavior m, for every row of its [B * L_m] positions: its packed position, or numPositions (not computed). */
  readonly rowInverse: readonly Int32Array[];
  /** Per packed sequence: its behavior m and sample b. */
  readonly sequenceBehavior: Int32Array;
  readonly sequenceSample: Int32Array;
  /** Per behavior m, per sample b: its packed sequence, or numSequences (all padding). [M, B] */
  readonly sequenceOf: Int32Array;
}

/**
 * Cost model of one bucket (n sequences of length L), in units of one position's per-position work
 * (projections, FFN, LayerNorms, DIN scorer): n * L * (1 + L / attentionLength) for the positions
 * and their attention pairs, plus bucketOverhead for the fixed cost of a bucket's kernel calls.
 * (`BUCKET_COST`; internal, tests lower the overhead to get many buckets from tiny inputs.)
 * Tuned on wasm at the benchmark configuration (B = 1024, three behaviors of uniform lengths up to
 * 50: about a dozen buckets): TIM steps measured side by side took a few percent less time with
 * overheads of 400 to 1000 than with 2000 to 4000, and about 15% less than with 10000.
 */
export const BUCKET_COST = {
  /** An attention pair costs 1 / attentionLength of a position. */
  attentionLength: 40,
  /** A bucket's fixed cost, in positions. */
  bucketOverhead: 500,
};

function bucketCost(count: number, length: number): number {
  return count * length * (1 + length / BUCKET_COST.attentionLength) + BUCKET_COST.bucketOverhead;
}

/**
 * The cheapest cut of the span histogram into contiguous buckets (dynamic programming over the
 * distinct spans, at most `maxLength` of them). counts[s] = sequences of span s (s >= 1).
 * Returns the longest span of each bucket, ascending.
 */
export function chooseBucketLengths(counts: readonly number[]): number[] {
  const spans: number[] = [];
  for (let s = 1; s < counts.length; s++) if (counts[s]! > 0) spans.push(s);
  if (spans.length === 0) return [];
  const prefix = [0];
  for (const s of spans) prefix.push(prefix[prefix.length - 1]! + counts[s]!);
  // best[i]: cheapest cost of spans[0..i); cut[i]: start of the last bucket in that solution.
  const best = new Float64Array(spans.length + 1).fill(Number.POSITIVE_INFINITY);
  const cut = new Int32Array(spans.length + 1);
  best[0] = 0;
  for (let end = 1; end <= spans.length; end++) {
    for (let start = 0; start < end; start++) {
      const cost = best[start]! + bucketCost(prefix[end]! - prefix[start]!, spans[end - 1]!);
      if (cost < best[end]!) {
        best[end] = cost;
        cut[end] = start;
      }
    }
  }
  const lengths: number[] = [];
  for (let end = spans.length; end > 0; end = cut[end]!) lengths.push(spans[end - 1]!);
  return lengths.reverse();
}

/** Span of every sequence, [M][B]: L_m minus the index of its first valid position, or 0. */
function sequenceSpans(masks: readonly ArrayLike<number>[], lengths: readonly number[], batch: number) {
  return masks.map((mask, m) => {
    const length = lengths[m]!;
    const spans = new Int32Array(batch);
    for (let b = 0; b < batch; b++) {
      let first = 0;
      while (first < length && mask[b * length + first] === 0) first++;
      spans[b] = length - first;
    }
    return spans;
  });
}

/**
 * Plans the compaction of M behaviors' sequences. masks[m] holds behavior m's [B, L_m] mask values
 * (any non-zero value is valid). When no sequence has a valid position, one all-padding sequence
 * (behavior 0, sample 0, length 1) is kept, so the encoder's weights stay connected to its outputs
 * (their gradients are exact zeros, as without compaction).
 */
export function planCompaction(
  masks: readonly ArrayLike<number>[],
  lengths: readonly number[],
  batch: number,
): CompactionPlan {
  const numBehaviors = lengths.length;
  const spans = sequenceSpans(masks, lengths, batch); // [M][B]
  const longest = Math.max(...lengths);
  const counts = new Array<number>(longest + 1).fill(0);
  for (const row of spans) for (const s of row) counts[s]!++;
  const bucketLengths = chooseBucketLengths(counts);
  const keepDummy = bucketLengths.length === 0;
  if (keepDummy) bucketLengths.push(1);
  // Sequences in packed order: by bucket, then behavior, then sample.
  const members: number[][] = bucketLengths.map(() => []);
  spans.forEach((row, m) => {
    row.forEach((s, b) => {
      if (s === 0) return;
      let j = 0;
      while (bucketLengths[j]! < s) j++;
      members[j]!.push(m * batch + b);
    });
  });
  if (keepDummy) members[0]!.push(0);
  const tableOffsets: number[] = [];
  let tableRows = 0;
  for (const length of lengths) {
    tableOffsets.push(tableRows);
    tableRows += batch * length;
  }
  const numSequences = members.reduce((total, list) => total + list.length, 0);
  const numPositions = members.reduce((total, list, j) => total + list.length * bucketLengths[j]!, 0);
  const rowIndex = new Int32Array(numPositions).fill(tableRows);
  const sequenceBehavior = new Int32Array(numSequences);
  const sequenceSample = new Int32Array(numSequences);
  const sequenceOf = new Int32Array(numBehaviors * batch).fill(numSequences);
  const rowInverse = lengths.map((length) => new Int32Array(batch * length).fill(numPositions));
  const buckets: SpanBucket[] = [];
  let sequence = 0;
  let position = 0;
  members.forEach((list, j) => {
    const length = bucketLengths[j]!;
    const mask = new Float32Array(list.length * length);
    buckets.push({ length, size: list.length, offset: sequence, mask });
    for (let i = 0; i < list.length; i++) {
      const id = list[i]!;
      const m = Math.floor(id / batch);
      const b = id - m * batch;
      const sourceLength = lengths[m]!;
      const span = spans[m]![b]!;
      const source = masks[m]!;
      const inverse = rowInverse[m]!;
      sequenceBehavior[sequence] = m;
      sequenceSample[sequence] = b;
      sequenceOf[id] = sequence;
      // Packed position l holds original position sourceLength - length + l; only the span's
      // positions hold values (the rest stay zero rows, masked).
      for (let l = length - span; l < length; l++) {
        const original = b * sourceLength + sourceLength - length + l; // row within behavior m
        rowIndex[position + l] = tableOffsets[m]! + original;
        inverse[original] = position + l;
        mask[i * length + l] = source[original] === 0 ? 0 : 1;
      }
      sequence++;
      position += length;
    }
  });
  return {
    batch,
    numBehaviors,
    buckets,
    numSequences,
    numPositions,
    rowIndex,
    rowInverse,
    sequenceBehavior,
    sequenceSample,
    sequenceOf,
  };
}
