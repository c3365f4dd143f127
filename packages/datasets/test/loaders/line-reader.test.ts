import { DataError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../src/loaders/io/line-reader.js';
import { bytesSource, textSource } from '../../src/loaders/io/source.js';
import { findInvalidUtf8 } from '../../src/loaders/io/utf8.js';

async function collect(source: Parameters<typeof readLines>[0], options = {}) {
  const lines: string[] = [];
  const numbers: number[] = [];
  const invalid: { line: number; column: number; incomplete: boolean }[] = [];
  let terminated = true;
  for await (const block of readLines(source, options)) {
    block.lines.forEach((line, index) => {
      lines.push(line);
      numbers.push(block.firstLine + index);
    });
    for (const bad of block.invalid)
      invalid.push({ line: block.firstLine + bad.index, column: bad.column, incomplete: bad.incomplete });
    terminated = block.lastLineTerminated;
  }
  return { lines, numbers, invalid, terminated };
}

describe('readLines', () => {
  it('splits LF and CRLF lines identically at every chunk size, keeping a final line without newline', async () => {
    const text = 'alpha\r\nbéta\n\ngamma ✓\r\nlast';
    for (let chunk = 1; chunk <= 9; chunk++) {
      const result = await collect(textSource('t.txt', text, chunk));
      expect(result.lines).toEqual(['alpha', 'béta', '', 'gamma ✓', 'last']);
      expect(result.numbers).toEqual([1, 2, 3, 4, 5]);
      expect(result.terminated).toBe(false);
      expect(result.invalid).toEqual([]);
    }
  });

  it('drops a leading BOM and reports a terminated last line', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x0a, 0x62, 0x0a]);
    const result = await collect(bytesSource('bom.txt', bytes, 2));
    expect(result.lines).toEqual(['a', 'b']);
    expect(result.terminated).toBe(true);
  });

  it('locates invalid UTF-8 by line and byte column and keeps the other lines', async () => {
    const bytes = new Uint8Array([0x6f, 0x6b, 0x0a, 0x61, 0x62, 0xff, 0x63, 0x0a, 0x7a, 0x0a]);
    for (const chunk of [1, 3, 64]) {
      const result = await collect(bytesSource('u.txt', bytes, chunk));
      expect(result.lines).toEqual(['ok', '', 'z']);
      expect(result.invalid).toEqual([{ line: 2, column: 3, incomplete: false }]);
    }
  });

  it('flags a file cut inside a multi-byte character as incomplete', async () => {
    const bytes = new Uint8Array([0x61, 0x0a, 0x62, 0xe2, 0x82]);
    const result = await collect(bytesSource('cut.txt', bytes, 2));
    expect(result.invalid).toEqual([{ line: 2, column: 2, incomplete: true }]);
    expect(result.terminated).toBe(false);
  });

  it('throws a located DataError for a line longer than maxLineBytes', async () => {
    const source = textSource('long.txt', `ok\n${'x'.repeat(5000)}`, 1000);
    await expect(collect(source, { maxLineBytes: 2048 })).rejects.toThrow(
      /long\.txt:2: line too long \(expected at most 2048 bytes/,
    );
    await expect(collect(source, { maxLineBytes: 2048 })).rejects.toBeInstanceOf(DataError);
  });

  it('reports progress up to the total size', async () => {
    const seen: number[] = [];
    await collect(textSource('p.txt', 'a\nb\nc\n', 2), {
      onProgress: (p: { bytesRead: number }) => seen.push(p.bytesRead),
    });
    expect(seen.at(-1)).toBe(6);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });
});

describe('findInvalidUtf8', () => {
  const check = (bytes: number[]) => findInvalidUtf8(new Uint8Array(bytes), 0, bytes.length);
  it('accepts valid text and rejects overlongs, surrogates and stray continuation bytes', () => {
    expect(check([...new TextEncoder().encode('héllo ✓ 𝄞')])).toBeUndefined();
    expect(check([0xc0, 0xaf])).toEqual({ offset: 0, incomplete: false });
    expect(check([0x61, 0xed, 0xa0, 0x80])).toEqual({ offset: 1, incomplete: false });
    expect(check([0x61, 0x80])).toEqual({ offset: 1, incomplete: false });
    expect(check([0xf4, 0x90, 0x80, 0x80])).toEqual({ offset: 0, incomplete: false });
    expect(check([0x61, 0xf0, 0x9d])).toEqual({ offset: 1, incomplete: true });
  });
});
