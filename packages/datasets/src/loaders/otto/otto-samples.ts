/**
 * Turns one cut OTTO session into sample rows: the prefix as click / cart / order sequences (newest
 * last), one row per distinct future item (labels: clicked / carted / ordered after the cutoff) and
 * one per sampled negative (all labels 0). All rows of a session share its sequences.
 */
import { createRng, deriveSeed } from '@dtrn/base';
import type { Vocabulary } from '@dtrn/data';
import { type DatasetBuilder, fillRightAligned } from '../shared/dataset-builder.js';
import type { NegativeSampler } from './negative-sampler.js';
import type { ResolvedOttoArgs } from './otto-args.js';
import type { OttoSession } from './parse-session.js';

export interface SessionSampleCounts {
  positives: number;
  positivesDropped: number;
  oovPositives: number;
  negatives: number;
  negativesShort: number;
}

const FLAG_BY_TYPE = [1, 2, 4] as const;

export class OttoSampleMaker {
  private readonly prefixRows: Int32Array[] = [new Int32Array(256), new Int32Array(256), new Int32Array(256)];
  private readonly future = new Map<number, number>();
  private readonly negatives: Int32Array;

  constructor(
    private readonly args: ResolvedOttoArgs,
    private readonly vocabulary: Vocabulary,
    private readonly sampler: NegativeSampler,
    readonly counts: SessionSampleCounts,
  ) {
    this.negatives = new Int32Array(args.numNegatives);
  }

  /** Appends the rows of `session` cut at `cutoff` to `builder`; `ordinal` (from 0) names its group. */
  addSession(session: OttoSession, cutoff: number, ordinal: number, builder: DatasetBuilder): void {
    const { aids, types, timestamps } = session;
    const row = builder.row;
    // Prefix: typed sequences of mapped items, oldest first.
    const lengths = [0, 0, 0];
    for (let t = 0; t < 3; t++) {
      if (this.prefixRows[t]!.length < cutoff) this.prefixRows[t] = new Int32Array(cutoff * 2);
    }
    for (let e = 0; e < cutoff; e++) {
      const type = types[e]!;
      this.prefixRows[type]![lengths[type]!++] = this.vocabulary.lookup(aids[e]!);
    }
    for (let t = 0; t < 3; t++) fillRightAligned(row.sequenceItems[t]!, this.prefixRows[t]!, lengths[t]!);
    row.timestamp = timestamps[cutoff - 1]!;
    row.sparse[1] = ordinal + 1; // the session field: row 0 is padding
    // Future: distinct items in order of first interaction, with the types seen.
    const future = this.future;
    future.clear();
    for (let e = cutoff; e < session.length; e++) {
      const aid = aids[e]!;
      future.set(aid, (future.get(aid) ?? 0) | FLAG_BY_TYPE[types[e]!]!);
    }
    let used = 0;
    for (const [aid, flags] of future) {
      if (used === this.args.maxPositives) break;
      used++;
      const mapped = this.vocabulary.lookup(aid);
      if (!this.vocabulary.has(aid)) this.counts.oovPositives++;
      row.sparse[0] = mapped;
      row.labels[0] = flags & 1 ? 1 : 0;
      row.labels[1] = flags & 2 ? 1 : 0;
      row.labels[2] = flags & 4 ? 1 : 0;
      builder.commit();
    }
    this.counts.positives += used;
    this.counts.positivesDropped += future.size - used;
    if (this.args.numNegatives === 0) return;
    const rng = createRng(deriveSeed(this.args.seed, 'otto/negatives', session.session));
    const drawn = this.sampler.draw(rng, this.args.numNegatives, future, this.negatives);
    row.labels.fill(0);
    for (let k = 0; k < drawn; k++) {
      row.sparse[0] = this.negatives[k]!;
      builder.commit();
    }
    this.counts.negatives += drawn;
    this.counts.negativesShort += this.args.numNegatives - drawn;
  }
}
