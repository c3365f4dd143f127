/**
 * The bad-input policy of every loader: a located DataError, or (with `badInput: 'skip'`) a count of
 * skipped rows by reason. Every row read is accounted for: rowsRead = rowsUsed + rowsSkipped +
 * rowsFiltered, where "filtered" rows are valid rows a loader leaves out on purpose (Ali-CCP's
 * click = 0 / conversion = 1 rows, OTTO sessions too short to cut), also counted by reason.
 */
import { DataError, type DtrnErrorDetails, type ErrorLocation } from '@dtrn/base';

/** What a loader does with a bad row: throw a located DataError, or skip it and count it. */
export type BadInputPolicy = 'error' | 'skip';
export const BAD_INPUT_POLICIES: readonly BadInputPolicy[] = ['error', 'skip'];

/** Why a row was rejected. One reason per bad-input class of DATA.md. */
export type SkipReason =
  /** Not parseable in the format (bad JSON, a feature without its separators, a missing key). */
  | 'malformed'
  /** A CSV row with more or fewer columns than the format has. */
  | 'column-count'
  /** A label that is not a number. */
  | 'non-numeric-label'
  /** A numeric label outside {0, 1}. */
  | 'label-out-of-range'
  /** NaN or an infinite value in a numeric column. */
  | 'non-finite'
  /** An id that is negative, not an integer, or too large to be exact. */
  | 'id-out-of-range'
  /** The last line of a file ends without a newline and does not parse (a cut-off file). */
  | 'truncated'
  /** Bytes that are not valid UTF-8. */
  | 'invalid-utf8'
  /** An Ali-CCP sample whose common_feature_index is missing from the common-features file. */
  | 'unknown-reference';

export const SKIP_REASONS: readonly SkipReason[] = [
  'malformed',
  'column-count',
  'non-numeric-label',
  'label-out-of-range',
  'non-finite',
  'id-out-of-range',
  'truncated',
  'invalid-utf8',
  'unknown-reference',
];

/** A skipped row, kept (up to a limit) so users can see what was dropped and where. */
export interface SkippedRowExample {
  readonly reason: SkipReason;
  /** The DataError message, with file:line:column. */
  readonly message: string;
}

/** Row accounting of one file (or one logical input). */
export interface FileReport {
  readonly file: string;
  /** Lines holding a row (a header line is not a row; empty lines are counted as malformed rows). */
  readonly rowsRead: number;
  readonly rowsUsed: number;
  readonly rowsSkipped: number;
  readonly skippedByReason: Readonly<Partial<Record<SkipReason, number>>>;
  /** Valid rows left out on purpose, by reason (e.g. `click0-conversion1`). */
  readonly rowsFiltered: number;
  readonly filteredByReason: Readonly<Record<string, number>>;
  /** Bytes read. */
  readonly bytes: number;
  /** True when the file had no rows at all (only reachable under `badInput: 'skip'`). */
  readonly empty: boolean;
  /** The first few skipped rows with their located messages. */
  readonly examples: readonly SkippedRowExample[];
}

/** How many skipped rows keep their message in a report. */
export const MAX_SKIP_EXAMPLES = 20;

/** Counts rows of one file and applies the bad-input policy. */
export class RowLedger {
  rowsRead = 0;
  rowsUsed = 0;
  rowsSkipped = 0;
  rowsFiltered = 0;
  bytes = 0;
  empty = false;
  readonly skippedByReason: Partial<Record<SkipReason, number>> = {};
  readonly filteredByReason: Record<string, number> = {};
  readonly examples: SkippedRowExample[] = [];
  /**
   * Set while the current row is a final line without a newline: a `malformed` or `column-count`
   * problem there is reported as `truncated` (the file was cut off).
   */
  atUnterminatedLastLine = false;

  constructor(
    readonly file: string,
    readonly policy: BadInputPolicy,
  ) {}

  /** Records one bad row: throws a located DataError under `error`, counts it under `skip`. */
  reject(reason: SkipReason, message: string, details: DtrnErrorDetails): void {
    if (this.atUnterminatedLastLine && (reason === 'malformed' || reason === 'column-count')) {
      reason = 'truncated';
      message = `the last line is cut off (no newline): ${message}`;
    }
    const error = new DataError(`${message} [${reason}]`, details);
    if (this.policy === 'error') throw error;
    this.rowsSkipped++;
    this.skippedByReason[reason] = (this.skippedByReason[reason] ?? 0) + 1;
    if (this.examples.length < MAX_SKIP_EXAMPLES) this.examples.push({ reason, message: error.message });
  }

  /** Records one valid row left out on purpose. */
  filter(reason: string): void {
    this.rowsFiltered++;
    this.filteredByReason[reason] = (this.filteredByReason[reason] ?? 0) + 1;
  }

  /** An input without any row: an error under `error`, a flagged empty report under `skip`. */
  rejectEmpty(where: ErrorLocation, expected: string): void {
    if (this.policy === 'error') {
      throw new DataError('the file has no rows', { where, expected, found: 'an empty file' });
    }
    this.empty = true;
  }

  report(): FileReport {
    return {
      file: this.file,
      rowsRead: this.rowsRead,
      rowsUsed: this.rowsUsed,
      rowsSkipped: this.rowsSkipped,
      skippedByReason: { ...this.skippedByReason },
      rowsFiltered: this.rowsFiltered,
      filteredByReason: { ...this.filteredByReason },
      bytes: this.bytes,
      empty: this.empty,
      examples: [...this.examples],
    };
  }
}

/** Throws if a report's rows do not add up (a loader bug, never a data problem). */
export function assertBalanced(report: FileReport): void {
  if (report.rowsRead !== report.rowsUsed + report.rowsSkipped + report.rowsFiltered) {
    throw new Error(
      `${report.file}: row accounting is off (read ${report.rowsRead}, used ${report.rowsUsed}, ` +
        `skipped ${report.rowsSkipped}, filtered ${report.rowsFiltered})`,
    );
  }
}
