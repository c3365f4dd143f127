/**
 * Seeded random numbers, identical on every machine and run: xoshiro128** over 32-bit integer
 * arithmetic (Math.imul), seeded through splitmix32. Floats are built from integer bits, so the
 * uniform stream is bit-identical everywhere; `normal()` uses Math.log/Math.cos, which V8 computes
 * with the same fdlibm port on every platform.
 */
import { ConfigError } from './errors.js';

/** Serializable generator state (for checkpoints and resume). */
export interface RngState {
  readonly s: readonly [number, number, number, number];
  /** A cached second normal deviate from Box-Muller, or null. */
  readonly spareNormal: number | null;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Hashes numbers and strings into one 32-bit seed (FNV-1a over the parts), to derive independent
 * streams: `deriveSeed(seed, 'init', 'tower0/kernel')`.
 */
export function deriveSeed(...parts: readonly (number | string)[]): number {
  let hash = 0x811c9dc5;
  const mix = (byte: number) => {
    hash ^= byte & 0xff;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  };
  for (const part of parts) {
    if (typeof part === 'number') {
      if (!Number.isFinite(part))
        throw new ConfigError('deriveSeed: seed parts must be finite', { found: part });
      const low = part >>> 0;
      const high = Math.floor(part / TWO_POW_32) >>> 0;
      for (const word of [low, high]) for (let shift = 0; shift < 32; shift += 8) mix(word >>> shift);
      mix(0x6e);
    } else {
      for (let i = 0; i < part.length; i++) {
        const code = part.charCodeAt(i);
        mix(code);
        mix(code >>> 8);
      }
      mix(0x73);
    }
  }
  return hash >>> 0;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  /** @param seed any finite number or string; equal seeds give equal streams. */
  constructor(seed: number | string) {
    const start =
      typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed < TWO_POW_32
        ? seed
        : deriveSeed(seed);
    const next = splitmix32(start);
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  next(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / TWO_POW_53;
  }

  /** A uniform float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** A uniform integer in [0, n), without modulo bias. n must be a positive integer <= 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) {
      throw new ConfigError('Rng.int: n must be an integer in [1, 2^32]', { found: n });
    }
    if (n === 1) return 0;
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const value = this.nextUint32();
      if (value < limit) return value % n;
    }
  }

  /** A standard normal deviate (Box-Muller; the second value is cached). */
  normal(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * v;
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Shuffles in place (Fisher-Yates) and returns the same array. */
  shuffle<T extends { length: number; [index: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return this.shuffle(order);
  }

  /** A new generator whose stream is independent of this one's and determined by its state and `label`. */
  fork(label: number | string): Rng {
    return new Rng(deriveSeed(this.s0, this.s1, this.s2, this.s3, label));
  }

  getState(): RngState {
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spareNormal: this.spare };
  }

  setState(state: RngState): void {
    const [a, b, c, d] = state.s;
    for (const word of state.s) {
      if (!Number.isInteger(word) || word < 0 || word >= TWO_POW_32) {
        throw new ConfigError('Rng.setState: state words must be 32-bit unsigned integers', {
          found: state.s,
        });
      }
    }
    this.s0 = a;
    this.s1 = b;
    this.s2 = c;
    this.s3 = d;
    this.spare = state.spareNormal;
  }

  /** A generator restored from a saved state. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Shorthand for `new Rng(seed)`. */
export function createRng(seed: number | string): Rng {
  return new Rng(seed);
}
