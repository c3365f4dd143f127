/**
 * The Ali-CCP loader. Passes: (1) training skeleton: validate, filter click = 0 / conversion = 1,
 * count item-side ids and references per common_feature_index; (2) training common features: count
 * user-side ids weighted by references; vocabularies (min frequency); (3) training common features
 * again: store each referenced profile as mapped ints; (4) training skeleton again: join and emit;
 * (5) test common features: store; (6) test skeleton: join, emit to validation / test (seeded hash of
 * sample_id). Memory: the vocabularies plus one stored profile per distinct referenced
 * common_feature_index (19 + 4 * bagLength ints each) plus one batch per split.
 */
import { DataError } from '@dtrn/base';
import type { Vocabulary } from '@dtrn/data';
import { assertBalanced, type FileReport, RowLedger } from '../bad-input.js';
import { forEachRow } from '../io/line-loop.js';
import type { DataSource } from '../io/source.js';
import { type BatchHandler, withLeakageCheck } from '../shared/leakage-hook.js';
import { hashUnit, type SplitName } from '../shared/split-assignment.js';
import {
  collectSplits,
  flushSplits,
  type LoadedSplits,
  type LoaderStreamResult,
  splitBuilders,
} from '../shared/split-batches.js';
import { type AliCcpArgs, type ResolvedAliCcpArgs, resolveAliCcpArgs } from './ali-ccp-args.js';
import { aliCcpSchema } from './ali-ccp-schema.js';
import { ALI_CCP_BAGS, ALI_CCP_SINGLE_FIELDS } from './fields.js';
import { AliCcpCounters, AliCcpMapper } from './id-spaces.js';
import { ParsedFeatures } from './parse-features.js';
import { locate, parseCommonLine, parseSkeletonLine, type SkeletonRow } from './parse-rows.js';

export interface AliCcpSources {
  readonly trainSkeleton: DataSource;
  readonly trainCommonFeatures: DataSource;
  readonly testSkeleton: DataSource;
  readonly testCommonFeatures: DataSource;
}

export interface AliCcpReport {
  /** Row accounting per file (skeleton filters: `click0-conversion1`; common: `unreferenced`). */
  readonly files: Readonly<Record<keyof AliCcpSources, FileReport>>;
  /** Features of fields the loader does not keep. */
  readonly ignoredFeatures: number;
  readonly samplesBySplit: Readonly<Record<SplitName, number>>;
  /** Profiles held in memory for the join. */
  readonly profilesStored: { readonly train: number; readonly test: number };
}

export interface AliCcpStreamResult
  extends LoaderStreamResult<ResolvedAliCcpArgs, Readonly<Record<string, Vocabulary>>, AliCcpReport> {}

export interface AliCcpLoadResult extends AliCcpStreamResult, LoadedSplits {}

export type AliCcpBatchHandler = BatchHandler;

const PASSES = 6;
/** Row of a single field absent from both the sample and its profile (the reserved OOV row). */
const ABSENT_ROW = 1;
const SKELETON_ROWS = 'sample_skeleton lines';
const COMMON_ROWS = 'common_features lines';
const FILTER_CLICK0_CONVERSION1 = 'click0-conversion1';

async function run(
  sources: AliCcpSources,
  args: ResolvedAliCcpArgs,
  batchSize: number,
  userOnBatch: AliCcpBatchHandler,
): Promise<AliCcpStreamResult> {
  const leakage = withLeakageCheck(userOnBatch);
  const onBatch = leakage.onBatch;
  const loop = (pass: number, rowDescription: string) => ({
    rowDescription,
    onProgress: args.onProgress,
    maxLineBytes: args.maxLineBytes,
    pass,
    passes: PASSES,
  });
  const features = new ParsedFeatures();
  const row: SkeletonRow = { click: 0, conversion: 0, commonFeatureIndex: '', sampleId: '' };
  let ignoredFeatures = 0;

  // (1) training skeleton: counts.
  const skeletonCount = new RowLedger(sources.trainSkeleton.name, args.badInput);
  const references = new Map<string, number>();
  const counters = new AliCcpCounters();
  await forEachRow(
    sources.trainSkeleton,
    skeletonCount,
    loop(1, SKELETON_ROWS),
    undefined,
    (line, lineNumber) => {
      if (
        !parseSkeletonLine(line, locate(sources.trainSkeleton.name, lineNumber, skeletonCount), row, features)
      )
        return;
      if (row.click === 0 && row.conversion === 1) return skeletonCount.filter(FILTER_CLICK0_CONVERSION1);
      skeletonCount.rowsUsed++;
      references.set(row.commonFeatureIndex, (references.get(row.commonFeatureIndex) ?? 0) + 1);
      counters.add(features, 1, undefined);
    },
  );

  // (2) training common features: counts weighted by references.
  const trainCommon = await readProfiles(
    sources.trainCommonFeatures,
    args,
    loop(2, COMMON_ROWS),
    features,
    (index) => {
      const times = references.get(index);
      if (times !== undefined) counters.add(features, times, args.bagLength);
      return times !== undefined;
    },
  );
  const vocabularies = counters.vocabularies(args.minFrequency);
  const mapper = new AliCcpMapper(vocabularies, args.bagLength);
  const schema = aliCcpSchema(vocabularies, args.bagLength);

  // (3) training profiles, mapped.
  const trainProfiles = new Map<string, Int32Array>();
  await readProfiles(
    sources.trainCommonFeatures,
    { ...args, badInput: 'skip' },
    loop(3, COMMON_ROWS),
    features,
    (index) => {
      if (!references.has(index) || trainProfiles.has(index)) return false;
      trainProfiles.set(index, mapper.mapProfile(features));
      ignoredFeatures += features.ignored;
      return true;
    },
  );
  references.clear();

  const builders = splitBuilders(schema, { timestamps: false, extras: [] });
  const samplesBySplit: Record<SplitName, number> = { train: 0, validation: 0, test: 0 };
  const scratch = new Int32Array(ALI_CCP_SINGLE_FIELDS.length);
  const emit = async (
    source: DataSource,
    ledger: RowLedger,
    profiles: ReadonlyMap<string, Int32Array>,
    pass: number,
    splitOfRow: () => SplitName,
  ) => {
    await forEachRow(source, ledger, loop(pass, SKELETON_ROWS), undefined, async (line, lineNumber) => {
      const at = locate(source.name, lineNumber, ledger);
      if (!parseSkeletonLine(line, at, row, features)) return;
      if (row.click === 0 && row.conversion === 1) return ledger.filter(FILTER_CLICK0_CONVERSION1);
      const profile = profiles.get(row.commonFeatureIndex);
      if (profile === undefined) {
        return ledger.reject(
          'unknown-reference',
          'common_feature_index not found in the common-features file',
          {
            where: { file: source.name, line: lineNumber, column: line.indexOf(row.commonFeatureIndex) + 1 },
            expected: 'an index present in the matching common_features file',
            found: row.commonFeatureIndex,
          },
        );
      }
      ledger.rowsUsed++;
      ignoredFeatures += features.ignored;
      mapper.mapSingle(features, scratch);
      const split = splitOfRow();
      const builder = builders[split];
      const staged = builder.row;
      for (let f = 0; f < scratch.length; f++) {
        const value = scratch[f]! >= 0 ? scratch[f]! : profile[f]!;
        staged.sparse[f] = value >= 0 ? value : ABSENT_ROW;
      }
      for (let b = 0; b < ALI_CCP_BAGS.length; b++) {
        const start = scratch.length + b * args.bagLength;
        staged.sequenceItems[b]!.set(profile.subarray(start, start + args.bagLength));
      }
      staged.labels[0] = row.click;
      staged.labels[1] = row.conversion;
      builder.commit();
      samplesBySplit[split]++;
      if (builder.size >= batchSize) await onBatch(split, builder.take());
    });
  };

  // (4) training skeleton: join and emit.
  const trainSkeleton = new RowLedger(sources.trainSkeleton.name, args.badInput);
  await emit(sources.trainSkeleton, trainSkeleton, trainProfiles, 4, () => 'train');
  if (trainSkeleton.rowsRead !== skeletonCount.rowsRead) {
    throw new DataError('the training skeleton changed between passes', {
      where: { file: sources.trainSkeleton.name },
      expected: `${skeletonCount.rowsRead} rows`,
      found: `${trainSkeleton.rowsRead} rows`,
    });
  }
  const storedTrain = trainProfiles.size;
  trainProfiles.clear();
  await flushSplits(builders, ['train'], batchSize, onBatch);

  // (5) test profiles; (6) test skeleton to validation / test.
  const testProfiles = new Map<string, Int32Array>();
  const testCommon = await readProfiles(
    sources.testCommonFeatures,
    args,
    loop(5, COMMON_ROWS),
    features,
    (index) => {
      testProfiles.set(index, mapper.mapProfile(features));
      ignoredFeatures += features.ignored;
      return true;
    },
  );
  const testSkeleton = new RowLedger(sources.testSkeleton.name, args.badInput);
  await emit(sources.testSkeleton, testSkeleton, testProfiles, 6, () =>
    hashUnit(args.seed, 'ali-ccp/validation', row.sampleId) < args.validationFraction ? 'validation' : 'test',
  );
  await flushSplits(builders, ['validation', 'test'], batchSize, onBatch);
  const files = {
    trainSkeleton: trainSkeleton.report(),
    trainCommonFeatures: trainCommon,
    testSkeleton: testSkeleton.report(),
    testCommonFeatures: testCommon,
  };
  for (const file of Object.values(files)) assertBalanced(file);
  return {
    schema,
    args,
    vocabularies,
    leakage: leakage.report(),
    report: {
      files,
      ignoredFeatures,
      samplesBySplit,
      profilesStored: { train: storedTrain, test: testProfiles.size },
    },
  };
}

/**
 * Reads a common-features file; `keep(index)` sees each valid, first-seen profile (parsed into
 * `features`) and returns whether it is used (else it is counted as filtered `unreferenced`).
 * A repeated index is a `malformed` row.
 */
async function readProfiles(
  source: DataSource,
  args: ResolvedAliCcpArgs,
  options: Parameters<typeof forEachRow>[2],
  features: ParsedFeatures,
  keep: (index: string) => boolean,
): Promise<FileReport> {
  const ledger = new RowLedger(source.name, args.badInput);
  const seen = new Set<string>();
  await forEachRow(source, ledger, options, undefined, (line, lineNumber) => {
    const index = parseCommonLine(line, locate(source.name, lineNumber, ledger), features);
    if (index === undefined) return;
    if (seen.has(index)) {
      return ledger.reject('malformed', 'common_feature_index appears twice', {
        where: { file: source.name, line: lineNumber, column: 1 },
        expected: 'each index once',
        found: index,
      });
    }
    seen.add(index);
    if (keep(index)) ledger.rowsUsed++;
    else ledger.filter('unreferenced');
  });
  return ledger.report();
}

/** Streams Ali-CCP samples in batches of `args.batchSize` rows per split (file order). */
export function streamAliCcp(
  sources: AliCcpSources,
  args: AliCcpArgs,
  onBatch: AliCcpBatchHandler,
): Promise<AliCcpStreamResult> {
  const resolved = resolveAliCcpArgs(args);
  return run(sources, resolved, resolved.batchSize, onBatch);
}

/** Loads Ali-CCP into one in-memory dataset per split (train from the train files, validation/test from the test files). */
export async function loadAliCcp(sources: AliCcpSources, args: AliCcpArgs = {}): Promise<AliCcpLoadResult> {
  const resolved = resolveAliCcpArgs(args);
  return collectSplits((batchSize, onBatch) => run(sources, resolved, batchSize, onBatch));
}
