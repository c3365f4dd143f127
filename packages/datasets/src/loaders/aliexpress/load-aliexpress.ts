/**
 * The AliExpress loader: pass 1 validates the train file and counts categorical values; pass 2 maps
 * and emits train rows; one pass over the test file emits validation / test rows (seeded hash of
 * the line number). search_id is validated but not used as a feature (as in the reference library).
 * Memory: the 16 vocabularies plus one batch per split.
 */
import { type Vocabulary, VocabularyBuilder } from '@dtrn/data';
import { assertBalanced, type FileReport, RowLedger } from '../bad-input.js';
import { forEachRow } from '../io/line-loop.js';
import type { DataSource } from '../io/source.js';
import {
  type CellLocation,
  columnOfField,
  isIdCell,
  parseFinite,
  parseLabel,
  rejectIdCell,
} from '../shared/csv-checks.js';
import { type BatchHandler, withLeakageCheck } from '../shared/leakage-hook.js';
import { hashUnit, type SplitName } from '../shared/split-assignment.js';
import {
  collectSplits,
  flushSplits,
  type LoadedSplits,
  type LoaderStreamResult,
  splitBuilders,
} from '../shared/split-batches.js';
import {
  type AliExpressArgs,
  type ResolvedAliExpressArgs,
  resolveAliExpressArgs,
} from './aliexpress-args.js';
import {
  ALIEXPRESS_CATEGORICAL,
  ALIEXPRESS_COLUMNS,
  ALIEXPRESS_NUMERICAL,
  aliExpressSchema,
  checkAliExpressHeader,
} from './aliexpress-format.js';

export interface AliExpressSources {
  readonly train: DataSource;
  readonly test: DataSource;
}

export interface AliExpressReport {
  /** Row accounting per file (filter `click0-conversion1`). */
  readonly files: Readonly<Record<keyof AliExpressSources, FileReport>>;
  readonly samplesBySplit: Readonly<Record<SplitName, number>>;
}

export interface AliExpressStreamResult
  extends LoaderStreamResult<
    ResolvedAliExpressArgs,
    Readonly<Record<string, Vocabulary>>,
    AliExpressReport
  > {}

export interface AliExpressLoadResult extends AliExpressStreamResult, LoadedSplits {}

export type AliExpressBatchHandler = BatchHandler;

const NUM_CATEGORICAL = ALIEXPRESS_CATEGORICAL.length;
const NUM_NUMERICAL = ALIEXPRESS_NUMERICAL.length;
const FIRST_NUMERICAL = 1 + NUM_CATEGORICAL;
const CLICK = FIRST_NUMERICAL + NUM_NUMERICAL;

interface ParsedRow {
  readonly categorical: string[];
  readonly numerical: Float32Array;
  click: number;
  conversion: number;
}

/** Parses and validates a data row into `out`; false after recording a rejection. */
function parseRow(line: string, at: CellLocation, out: ParsedRow): boolean {
  const cells = line.split(',');
  if (cells.length !== ALIEXPRESS_COLUMNS.length) {
    at.ledger.reject('column-count', 'wrong number of columns', {
      where: { file: at.file, line: at.line, column: 1 },
      expected: `${ALIEXPRESS_COLUMNS.length} comma-separated columns`,
      found: `${cells.length} columns`,
    });
    return false;
  }
  for (let c = 0; c <= NUM_CATEGORICAL; c++) {
    const cell = cells[c]!;
    if (!isIdCell(cell)) {
      rejectIdCell(cell, ALIEXPRESS_COLUMNS[c]!, columnOfField(line, c), at);
      return false;
    }
    if (c > 0) out.categorical[c - 1] = cell;
  }
  for (let n = 0; n < NUM_NUMERICAL; n++) {
    const c = FIRST_NUMERICAL + n;
    const value = parseFinite(cells[c]!, ALIEXPRESS_COLUMNS[c]!, columnOfField(line, c), at);
    if (value === undefined) return false;
    out.numerical[n] = value;
  }
  out.click = parseLabel(cells[CLICK]!, 'click', columnOfField(line, CLICK), at);
  if (out.click < 0) return false;
  out.conversion = parseLabel(cells[CLICK + 1]!, 'conversion', columnOfField(line, CLICK + 1), at);
  return out.conversion >= 0;
}

async function run(
  sources: AliExpressSources,
  args: ResolvedAliExpressArgs,
  batchSize: number,
  userOnBatch: AliExpressBatchHandler,
): Promise<AliExpressStreamResult> {
  const leakage = withLeakageCheck(userOnBatch);
  const onBatch = leakage.onBatch;
  const parsed: ParsedRow = {
    categorical: ALIEXPRESS_CATEGORICAL.map(() => ''),
    numerical: new Float32Array(NUM_NUMERICAL),
    click: 0,
    conversion: 0,
  };
  const loop = (pass: number) => ({
    header: true,
    rowDescription: 'AliExpress CSV rows',
    onProgress: args.onProgress,
    maxLineBytes: args.maxLineBytes,
    pass,
    passes: 3,
  });
  const header = (file: string) => (line: string, lineNumber: number) =>
    checkAliExpressHeader(line, file, lineNumber);
  const counters = ALIEXPRESS_CATEGORICAL.map((name) => new VocabularyBuilder(name));
  const countLedger = new RowLedger(sources.train.name, args.badInput);
  await forEachRow(sources.train, countLedger, loop(1), header(sources.train.name), (line, lineNumber) => {
    if (!parseRow(line, { file: sources.train.name, line: lineNumber, ledger: countLedger }, parsed)) return;
    if (parsed.click === 0 && parsed.conversion === 1) return countLedger.filter('click0-conversion1');
    countLedger.rowsUsed++;
    for (let c = 0; c < NUM_CATEGORICAL; c++) counters[c]!.add(parsed.categorical[c]!);
  });
  const vocabularyList = counters.map((counter) => counter.build({ minFrequency: args.minFrequency }));
  const schema = aliExpressSchema(vocabularyList);
  const builders = splitBuilders(schema, { timestamps: false, extras: [] });
  const samplesBySplit: Record<SplitName, number> = { train: 0, validation: 0, test: 0 };
  const emit = async (
    source: DataSource,
    ledger: RowLedger,
    pass: number,
    splitOfLine: (line: number) => SplitName,
  ) => {
    await forEachRow(source, ledger, loop(pass), header(source.name), async (line, lineNumber) => {
      if (!parseRow(line, { file: source.name, line: lineNumber, ledger }, parsed)) return;
      if (parsed.click === 0 && parsed.conversion === 1) return ledger.filter('click0-conversion1');
      ledger.rowsUsed++;
      const split = splitOfLine(lineNumber);
      const builder = builders[split];
      const row = builder.row;
      for (let c = 0; c < NUM_CATEGORICAL; c++)
        row.sparse[c] = vocabularyList[c]!.lookup(parsed.categorical[c]!);
      row.dense.set(parsed.numerical);
      row.labels[0] = parsed.click;
      row.labels[1] = parsed.conversion;
      builder.commit();
      samplesBySplit[split]++;
      if (builder.size >= batchSize) await onBatch(split, builder.take());
    });
  };
  const trainLedger = new RowLedger(sources.train.name, 'skip');
  await emit(sources.train, trainLedger, 2, () => 'train');
  await flushSplits(builders, ['train'], batchSize, onBatch);
  const testLedger = new RowLedger(sources.test.name, args.badInput);
  await emit(sources.test, testLedger, 3, (line) =>
    hashUnit(args.seed, 'aliexpress/validation', line) < args.validationFraction ? 'validation' : 'test',
  );
  await flushSplits(builders, ['validation', 'test'], batchSize, onBatch);
  const files = { train: countLedger.report(), test: testLedger.report() };
  for (const file of Object.values(files)) assertBalanced(file);
  const vocabularies = Object.fromEntries(
    vocabularyList.map((vocabulary) => [vocabulary.idSpace, vocabulary]),
  );
  return { schema, args, vocabularies, leakage: leakage.report(), report: { files, samplesBySplit } };
}

/** Streams AliExpress samples in batches of `args.batchSize` rows per split (file order). */
export function streamAliExpress(
  sources: AliExpressSources,
  args: AliExpressArgs,
  onBatch: AliExpressBatchHandler,
): Promise<AliExpressStreamResult> {
  const resolved = resolveAliExpressArgs(args);
  return run(sources, resolved, resolved.batchSize, onBatch);
}

/** Loads AliExpress into one in-memory dataset per split. */
export async function loadAliExpress(
  sources: AliExpressSources,
  args: AliExpressArgs = {},
): Promise<AliExpressLoadResult> {
  const resolved = resolveAliExpressArgs(args);
  return collectSplits((batchSize, onBatch) => run(sources, resolved, batchSize, onBatch));
}
