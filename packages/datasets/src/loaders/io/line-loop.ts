/**
 * The common loop of every loader: read lines, count each row in a RowLedger, turn invalid UTF-8
 * into a located rejection, hand the header (if the format has one) and every row to the caller,
 * and flag an input without rows.
 */
import type { RowLedger } from '../bad-input.js';
import { readLines } from './line-reader.js';
import type { DataSource, ProgressCallback } from './source.js';

export interface LineLoopOptions {
  /** The format's first line is a header: passed to `onHeader`, not counted as a row. */
  readonly header?: boolean;
  /** Description of a row for the empty-file error, e.g. `JSON lines of OTTO sessions`. */
  readonly rowDescription: string;
  readonly onProgress?: ProgressCallback | undefined;
  readonly pass?: number;
  readonly passes?: number;
  readonly maxLineBytes?: number | undefined;
}

/**
 * Visits one row. `unterminated` is true only for a final line without a newline: a parse failure
 * there is reported as `truncated` rather than `malformed`. The visitor must settle the row with
 * exactly one of `ledger.rowsUsed++`, `ledger.reject(...)` or `ledger.filter(...)`.
 */
export type RowVisitor = (line: string, lineNumber: number, unterminated: boolean) => void | Promise<void>;

export async function forEachRow(
  source: DataSource,
  ledger: RowLedger,
  options: LineLoopOptions,
  onHeader: ((line: string, lineNumber: number) => void) | undefined,
  visit: RowVisitor,
): Promise<void> {
  let sawHeader = !options.header;
  let bytes = 0;
  const readOptions = {
    onProgress: (progress: Parameters<ProgressCallback>[0]) => {
      bytes = progress.bytesRead;
      options.onProgress?.(progress);
    },
    pass: options.pass ?? 1,
    passes: options.passes ?? 1,
    ...(options.maxLineBytes !== undefined ? { maxLineBytes: options.maxLineBytes } : {}),
  };
  for await (const block of readLines(source, readOptions)) {
    const { lines, invalid, firstLine } = block;
    let nextInvalid = 0;
    for (let index = 0; index < lines.length; index++) {
      const lineNumber = firstLine + index;
      const unterminated = !block.lastLineTerminated && index === lines.length - 1;
      const bad = invalid[nextInvalid];
      if (bad !== undefined && bad.index === index) {
        nextInvalid++;
        if (!sawHeader) sawHeader = true; // a header that is not UTF-8 is a bad row, not a header
        ledger.rowsRead++;
        const truncated = bad.incomplete && unterminated;
        ledger.reject(
          truncated ? 'truncated' : 'invalid-utf8',
          truncated ? 'the file ends inside a UTF-8 character' : 'the line is not valid UTF-8',
          {
            where: { file: source.name, line: lineNumber, column: bad.column },
            expected: 'UTF-8 text',
            found: 'an invalid byte sequence',
          },
        );
        continue;
      }
      const line = lines[index]!;
      if (!sawHeader) {
        sawHeader = true;
        onHeader?.(line, lineNumber);
        continue;
      }
      ledger.rowsRead++;
      ledger.atUnterminatedLastLine = unterminated;
      const pending = visit(line, lineNumber, unterminated);
      if (pending !== undefined) await pending;
    }
  }
  ledger.bytes = bytes;
  if (ledger.rowsRead === 0) {
    ledger.rejectEmpty(
      { file: source.name, line: 1 },
      options.header ? `a header line and ${options.rowDescription}` : options.rowDescription,
    );
  }
}
