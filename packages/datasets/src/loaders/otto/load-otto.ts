/**
 * The OTTO loader. Pass 1 streams the sessions file: validates every line, counts sessions and
 * events by type, assigns sessions to splits (seeded hash of the session id) and counts item
 * frequencies on training sessions. Pass 2 streams it again and emits samples (see otto-samples.ts)
 * in batches. Memory: the item vocabulary (one Map entry per distinct training item) plus one batch
 * per split; never the file.
 */
import { DataError } from '@dtrn/base';
import { type Vocabulary, VocabularyBuilder } from '@dtrn/data';
import { assertBalanced, type FileReport, RowLedger } from '../bad-input.js';
import { forEachRow } from '../io/line-loop.js';
import type { DataSource } from '../io/source.js';
import { type BatchHandler, withLeakageCheck } from '../shared/leakage-hook.js';
import { SPLIT_NAMES, type SplitName, splitOf } from '../shared/split-assignment.js';
import {
  collectSplits,
  flushSplits,
  type LoadedSplits,
  type LoaderStreamResult,
  splitBuilders,
} from '../shared/split-batches.js';
import { chooseCutoff } from './cutoff.js';
import { NegativeSampler } from './negative-sampler.js';
import { type OttoArgs, type ResolvedOttoArgs, resolveOttoArgs } from './otto-args.js';
import { OttoSampleMaker, type SessionSampleCounts } from './otto-samples.js';
import { ottoSchema } from './otto-schema.js';
import { OttoSession, parseOttoLine } from './parse-session.js';

export interface OttoCounts {
  /** Valid sessions (cut or not). */
  readonly sessions: number;
  readonly events: number;
  readonly clicks: number;
  readonly carts: number;
  readonly orders: number;
}

export interface OttoReport extends SessionSampleCounts {
  /** Rows (lines) read / used / skipped / filtered (`too-short`: fewer than 2 events or one timestamp). */
  readonly file: FileReport;
  readonly counts: OttoCounts;
  readonly sessionsBySplit: Readonly<Record<SplitName, number>>;
  readonly samplesBySplit: Readonly<Record<SplitName, number>>;
}

export interface OttoStreamResult
  extends LoaderStreamResult<ResolvedOttoArgs, { readonly item: Vocabulary }, OttoReport> {}

export interface OttoLoadResult extends OttoStreamResult, LoadedSplits {}

export type OttoBatchHandler = BatchHandler;

const zeroSplits = (): Record<SplitName, number> => ({ train: 0, validation: 0, test: 0 });
const ROW_DESCRIPTION = 'JSON lines of OTTO sessions';

async function streamWithBatchSize(
  source: DataSource,
  args: ResolvedOttoArgs,
  batchSize: number,
  userOnBatch: OttoBatchHandler,
): Promise<OttoStreamResult> {
  const leakage = withLeakageCheck(userOnBatch);
  const onBatch = leakage.onBatch;
  const loopOptions = {
    rowDescription: ROW_DESCRIPTION,
    onProgress: args.onProgress,
    maxLineBytes: args.maxLineBytes,
    passes: 2,
  };
  // Pass 1: validate, count, split, item frequencies of training sessions.
  const ledger = new RowLedger(source.name, args.badInput);
  const session = new OttoSession();
  const itemCounter = new VocabularyBuilder('item');
  const typeCounts = [0, 0, 0];
  let sessions = 0;
  const sessionsBySplit = zeroSplits();
  await forEachRow(
    source,
    ledger,
    { ...loopOptions, pass: 1 },
    undefined,
    (line, lineNumber, unterminated) => {
      if (!parseOttoLine(line, lineNumber, unterminated, source.name, ledger, session)) return;
      sessions++;
      for (let e = 0; e < session.length; e++) typeCounts[session.types[e]!]!++;
      if (chooseCutoff(session, args.seed) < 0) {
        ledger.filter('too-short');
        return;
      }
      ledger.rowsUsed++;
      const split = splitOf(args.seed, session.session, args.split);
      sessionsBySplit[split]++;
      if (split === 'train') for (let e = 0; e < session.length; e++) itemCounter.add(session.aids[e]!);
    },
  );
  const file = ledger.report();
  assertBalanced(file);
  const item = itemCounter.build({ minFrequency: args.minFrequency });
  const schema = ottoSchema(args, item, file.rowsUsed);

  // Pass 2: samples.
  const counts: SessionSampleCounts = {
    positives: 0,
    positivesDropped: 0,
    oovPositives: 0,
    negatives: 0,
    negativesShort: 0,
  };
  const maker = new OttoSampleMaker(args, item, new NegativeSampler(item, args.negativeSampling), counts);
  const builders = splitBuilders(schema, { timestamps: true, extras: [] });
  const samplesBySplit = zeroSplits();
  const secondLedger = new RowLedger(source.name, 'skip');
  let ordinal = 0;
  await forEachRow(
    source,
    secondLedger,
    { ...loopOptions, pass: 2 },
    undefined,
    async (line, lineNumber, unterminated) => {
      if (!parseOttoLine(line, lineNumber, unterminated, source.name, secondLedger, session)) return;
      const cutoff = chooseCutoff(session, args.seed);
      if (cutoff < 0) {
        secondLedger.filter('too-short');
        return;
      }
      secondLedger.rowsUsed++;
      const split = splitOf(args.seed, session.session, args.split);
      const builder = builders[split];
      const before = builder.size;
      maker.addSession(session, cutoff, ordinal++, builder);
      samplesBySplit[split] += builder.size - before;
      if (builder.size >= batchSize) await onBatch(split, builder.take());
    },
  );
  if (secondLedger.rowsRead !== file.rowsRead || secondLedger.rowsUsed !== file.rowsUsed) {
    throw new DataError('the file changed between the two passes of the OTTO loader', {
      where: { file: source.name },
      expected: `${file.rowsRead} rows, ${file.rowsUsed} used`,
      found: `${secondLedger.rowsRead} rows, ${secondLedger.rowsUsed} used`,
    });
  }
  await flushSplits(builders, SPLIT_NAMES, batchSize, onBatch);
  const [clicks, carts, orders] = typeCounts as [number, number, number];
  return {
    schema,
    args,
    vocabularies: { item },
    leakage: leakage.report(),
    report: {
      file,
      counts: { sessions, events: clicks + carts + orders, clicks, carts, orders },
      sessionsBySplit,
      samplesBySplit,
      ...counts,
    },
  };
}

/**
 * Streams OTTO samples in batches of `args.batchSize` rows per split (file order, not shuffled),
 * calling `onBatch` for each; memory stays bounded by the batch and the vocabulary.
 */
export function streamOtto(
  source: DataSource,
  args: OttoArgs,
  onBatch: OttoBatchHandler,
): Promise<OttoStreamResult> {
  const resolved = resolveOttoArgs(args);
  return streamWithBatchSize(source, resolved, resolved.batchSize, onBatch);
}

/** Loads OTTO samples into one in-memory dataset per split (small files; use `streamOtto` for the full set). */
export async function loadOtto(source: DataSource, args: OttoArgs = {}): Promise<OttoLoadResult> {
  const resolved = resolveOttoArgs(args);
  return collectSplits((batchSize, onBatch) => streamWithBatchSize(source, resolved, batchSize, onBatch));
}
