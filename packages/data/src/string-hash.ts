/**
 * A stable 32-bit string hash for the `hash` OOV policy: FNV-1a over the UTF-8 bytes of the string
 * (offset basis 0x811c9dc5, prime 0x01000193). Same result on every platform and easy to reproduce
 * in other languages (Python: hash over `s.encode('utf-8')`), unlike engine string hashes.
 */

function mix(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, 0x01000193) >>> 0;
}

/** FNV-1a 32-bit of the UTF-8 encoding of `text` (lone surrogates encode as U+FFFD). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      hash = mix(hash, code);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      } else code = 0xfffd;
    } else if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x800) {
      hash = mix(hash, 0xc0 | (code >> 6));
    } else if (code < 0x10000) {
      hash = mix(hash, 0xe0 | (code >> 12));
      hash = mix(hash, 0x80 | ((code >> 6) & 0x3f));
    } else {
      hash = mix(hash, 0xf0 | (code >> 18));
      hash = mix(hash, 0x80 | ((code >> 12) & 0x3f));
      hash = mix(hash, 0x80 | ((code >> 6) & 0x3f));
    }
    hash = mix(hash, 0x80 | (code & 0x3f));
  }
  return hash;
}
