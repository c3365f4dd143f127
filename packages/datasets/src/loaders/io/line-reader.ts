/**
 * Bounded-memory line reading over byte chunks: LF or CRLF line ends, a final line without a newline,
 * strict UTF-8 (`TextDecoder('utf-8', { fatal: true })`) with the bad line and byte column located,
 * a leading BOM dropped. Memory holds one chunk plus one partial line (at most `maxLineBytes`).
 */
import { DataError } from '@dtrn/base';
import type { DataSource, ProgressCallback } from './source.js';
import { findInvalidUtf8 } from './utf8.js';

/** A line whose bytes are not valid UTF-8 (its text in the block is ''). */
export interface InvalidLine {
  /** Index in `LineBlock.lines`. */
  readonly index: number;
  /** 1-based byte column of the first bad byte. */
  readonly column: number;
  /** The line ends inside a multi-byte sequence. */
  readonly incomplete: boolean;
}

/** Consecutive lines of one file. */
export interface LineBlock {
  readonly lines: readonly string[];
  /** 1-based line number of `lines[0]`. */
  readonly firstLine: number;
  /** Lines with invalid UTF-8, in index order (usually empty). */
  readonly invalid: readonly InvalidLine[];
  /** False only for a final line that ends without a newline (the last line of the last block). */
  readonly lastLineTerminated: boolean;
}

export interface ReadLinesOptions {
  /** Longest accepted line in bytes; longer lines throw (memory bound). Default 64 MiB. */
  readonly maxLineBytes?: number;
  readonly onProgress?: ProgressCallback;
  /** For progress reports. Default 1 of 1. */
  readonly pass?: number;
  readonly passes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

const NEWLINE = 0x0a;
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function stripCarriageReturn(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

/** Decodes `bytes[start, end)`, which holds whole lines each ending with '\n', into `out`. */
function decodeLines(
  bytes: Uint8Array,
  start: number,
  end: number,
  lines: string[],
  invalid: InvalidLine[],
): void {
  if (start >= end) return;
  let text: string | undefined;
  try {
    text = decoder.decode(bytes.subarray(start, end));
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    const parts = text.split('\n');
    parts.pop(); // the text ends with '\n'
    for (const part of parts) lines.push(stripCarriageReturn(part));
    return;
  }
  // Slow path: locate the bad line(s) one line at a time.
  let lineStart = start;
  while (lineStart < end) {
    const lineEnd = bytes.indexOf(NEWLINE, lineStart);
    const stop = lineEnd < 0 || lineEnd >= end ? end : lineEnd;
    const problem = findInvalidUtf8(bytes, lineStart, stop);
    if (problem) {
      invalid.push({ index: lines.length, column: problem.offset + 1, incomplete: problem.incomplete });
      lines.push('');
    } else {
      lines.push(stripCarriageReturn(decoder.decode(bytes.subarray(lineStart, stop))));
    }
    lineStart = stop + 1;
  }
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Reads a source as blocks of lines (one block per chunk that completes at least one line).
 * Throws a located DataError for a line longer than `maxLineBytes`.
 */
export async function* readLines(
  source: DataSource,
  options: ReadLinesOptions = {},
): AsyncGenerator<LineBlock> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const { onProgress } = options;
  const pass = options.pass ?? 1;
  const passes = options.passes ?? 1;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let nextLine = 1;
  let bytesRead = 0;
  const dropBom = (lines: string[]) => {
    if (nextLine === 1 && lines[0]?.charCodeAt(0) === 0xfeff) lines[0] = lines[0].slice(1);
  };
  for await (const chunk of source.open()) {
    bytesRead += chunk.length;
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline < 0) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes > maxLineBytes) {
        throw new DataError('line too long', {
          where: { file: source.name, line: nextLine },
          expected: `at most ${maxLineBytes} bytes (ReadLinesOptions.maxLineBytes)`,
          found: `${pendingBytes} bytes without a newline`,
        });
      }
      onProgress?.({ file: source.name, pass, passes, bytesRead, totalBytes: source.totalBytes });
      continue;
    }
    const lines: string[] = [];
    const invalid: InvalidLine[] = [];
    let blockStart = 0;
    if (pendingBytes > 0) {
      const firstNewline = chunk.indexOf(NEWLINE);
      const joined = concat(
        [...pending, chunk.subarray(0, firstNewline + 1)],
        pendingBytes + firstNewline + 1,
      );
      decodeLines(joined, 0, joined.length, lines, invalid);
      blockStart = firstNewline + 1;
    }
    decodeLines(chunk, blockStart, lastNewline + 1, lines, invalid);
    // Copy the tail: the chunk's buffer may be reused by the stream.
    const tail = chunk.slice(lastNewline + 1);
    pending = tail.length > 0 ? [tail] : [];
    pendingBytes = tail.length;
    dropBom(lines);
    yield { lines, firstLine: nextLine, invalid, lastLineTerminated: true };
    nextLine += lines.length;
    onProgress?.({ file: source.name, pass, passes, bytesRead, totalBytes: source.totalBytes });
  }
  if (pendingBytes > 0) {
    const last = concat(pending, pendingBytes);
    const lines: string[] = [];
    const invalid: InvalidLine[] = [];
    const problem = findInvalidUtf8(last, 0, last.length);
    if (problem) {
      invalid.push({ index: 0, column: problem.offset + 1, incomplete: problem.incomplete });
      lines.push('');
    } else lines.push(stripCarriageReturn(decoder.decode(last)));
    dropBom(lines);
    yield { lines, firstLine: nextLine, invalid, lastLineTerminated: false };
  }
  onProgress?.({ file: source.name, pass, passes, bytesRead, totalBytes: source.totalBytes });
}
