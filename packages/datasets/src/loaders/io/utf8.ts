/** A located UTF-8 problem in a byte range. */
export interface Utf8Problem {
  /** Offset of the first byte of the bad sequence, relative to the start of the range. */
  readonly offset: number;
  /** True when the range ends in the middle of an otherwise valid sequence (a cut-off file). */
  readonly incomplete: boolean;
}

/**
 * Finds the first invalid UTF-8 sequence in `bytes[start, end)` (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF). Returns undefined when the range is valid. Used only to
 * locate an error after the fast `TextDecoder('utf-8', { fatal: true })` path has failed.
 */
export function findInvalidUtf8(bytes: Uint8Array, start: number, end: number): Utf8Problem | undefined {
  let i = start;
  while (i < end) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      else if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      else if (lead === 0xf4) high = 0x8f;
    } else return { offset: i - start, incomplete: false };
    for (let k = 1; k < length; k++) {
      if (i + k >= end) return { offset: i - start, incomplete: true };
      const byte = bytes[i + k]!;
      const min = k === 1 ? low : 0x80;
      const max = k === 1 ? high : 0xbf;
      if (byte < min || byte > max) return { offset: i - start, incomplete: false };
    }
    i += length;
  }
  return undefined;
}
