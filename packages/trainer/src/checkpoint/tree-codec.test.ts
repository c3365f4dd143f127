import { describe, expect, it } from 'vitest';
import { decodeTree, encodeTree } from './tree-codec.js';

describe('tree codec', () => {
  it('round-trips nested objects with every typed array type and non-finite numbers', () => {
    const tree = {
      dense: { 'shared/kernel': { shape: [2, 3], values: new Float32Array([1.5, -2, 3e-8, 0, 7, Math.PI]) } },
      sparse: {
        tables: [
          {
            rows: new Int32Array([0, 5, -3]),
            step: 12,
            slots: [new Float64Array([1 / 3]), new Uint8Array([1, 2, 3])],
          },
        ],
        counts: new Uint32Array([4294967295]),
        small: [new Int16Array([-2]), new Uint16Array([65535]), new Int8Array([-128])],
      },
      meta: { name: 'x', flag: true, nothing: null, odd: [Number.NaN, Number.POSITIVE_INFINITY, -0.5] },
    };
    const encoded = encodeTree(tree);
    expect(encoded.data.length % 1).toBe(0);
    const decoded = decodeTree(encoded.manifest, encoded.data) as typeof tree;
    expect(decoded).toEqual(tree);
    expect(decoded.dense['shared/kernel'].values).toBeInstanceOf(Float32Array);
    expect(decoded.sparse.counts).toBeInstanceOf(Uint32Array);
    // decoded arrays own their memory (changing them leaves the blob alone)
    decoded.sparse.tables[0]!.rows[0] = 99;
    expect((decodeTree(encoded.manifest, encoded.data) as typeof tree).sparse.tables[0]!.rows[0]).toBe(0);
  });

  it('writes little-endian float32 at 8-byte aligned offsets', () => {
    const encoded = encodeTree({ a: new Uint8Array([7]), b: new Float32Array([1]) });
    const manifest = JSON.parse(encoded.manifest);
    expect(manifest.b).toEqual({ $array: 'float32', offset: 8, length: 1 });
    expect(Array.from(encoded.data.subarray(8, 12))).toEqual([0, 0, 0x80, 0x3f]); // 1.0f
  });

  it('rejects reserved keys, unsupported values and corrupt references', () => {
    expect(() => encodeTree({ $array: 1 })).toThrow('state.$array: keys starting with "$" are reserved');
    expect(() => encodeTree({ when: new Date(0) })).toThrow('field state.when: cannot encode this value');
    expect(() => encodeTree({ big: new BigInt64Array(1) })).toThrow('cannot encode this typed array');
    const encoded = encodeTree({ v: new Float32Array(4) });
    expect(() => decodeTree(encoded.manifest, encoded.data.subarray(0, 8))).toThrow(
      'array reference outside the binary data',
    );
    expect(() => decodeTree('{', encoded.data)).toThrow('state:1:2: not valid JSON');
  });

  it('checks own properties only: "toString", "constructor" and "__proto__" are not dtypes', () => {
    const data = new Uint8Array(16);
    for (const dtype of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const manifest = JSON.stringify({ w: { $array: dtype, offset: 0, length: 1 } });
      expect(() => decodeTree(manifest, data)).toThrow(
        `field state.w: unknown array dtype in state manifest (expected float32, float64, int32, uint32, int16, uint16, int8, uint8, found "${dtype}")`,
      );
    }
    expect(() => decodeTree('{"n": {"$number": "toString"}}', data)).toThrow('invalid $number');
    expect(() => decodeTree('{"n": {"$number": "1e3"}}', data)).toThrow('invalid $number');
  });

  it('never assigns __proto__, and builds objects without a prototype', () => {
    expect(() => decodeTree('{"a": {"__proto__": {"polluted": 1}}}', new Uint8Array(0))).toThrow(
      'the key "__proto__" is not allowed',
    );
    const decoded = decodeTree('{"constructor": {"x": 1}, "toString": 2}', new Uint8Array(0)) as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(decoded)).toBeNull();
    expect(Object.keys(decoded)).toEqual(['constructor', 'toString']);
    expect(decoded.toString).toBe(2);
    // A decoded tree encodes again (a resumed run writes the best model it read).
    expect(decodeTree(encodeTree(decoded).manifest, new Uint8Array(0))).toEqual(decoded);
  });

  it('refuses unknown keys in references and other "$" keys', () => {
    const data = new Uint8Array(16);
    expect(() =>
      decodeTree('{"w": {"$array": "float32", "offset": 0, "length": 1, "scale": 2}}', data),
    ).toThrow(
      'field state.w: malformed reference in state manifest (expected exactly the keys $array, offset, length, found "$array, offset, length, scale")',
    );
    expect(() => decodeTree('{"w": {"$array": "float32", "offset": 0}}', data)).toThrow(
      'malformed reference',
    );
    expect(() => decodeTree('{"w": {"$number": "NaN", "x": 1}}', data)).toThrow('malformed reference');
    expect(() => decodeTree('{"w": {"$other": 1}}', data)).toThrow('the key "$other" is not allowed');
  });
});
