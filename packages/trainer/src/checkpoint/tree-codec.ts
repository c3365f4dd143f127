/**
 * A generic encoder for "object trees with typed arrays" (any model's state): the tree becomes a
 * JSON manifest in which every typed array is replaced by `{ "$array": dtype, "offset", "length" }`
 * pointing into one little-endian binary blob (each array 8-byte aligned); non-finite numbers become
 * `{ "$number": "NaN" | "Infinity" | "-Infinity" }`. Decoding gives back equal values and fresh
 * typed arrays of the same types. Keys starting with `$` are reserved.
 *
 * Decoding treats the manifest as untrusted: strict JSON (`parseJson`), own properties only (a
 * `"$array": "toString"` is not a dtype), exact keys in `$array` / `$number` references, no other
 * `$` keys, no `__proto__` keys, and objects are created without a prototype.
 */
import { DataError, parseJson } from '@dtrn/base';

const ARRAY_TYPES = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
} as const;

export type ArrayDtype = keyof typeof ARRAY_TYPES;
type AnyTypedArray = InstanceType<(typeof ARRAY_TYPES)[ArrayDtype]>;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function dtypeOf(value: ArrayBufferView): ArrayDtype | undefined {
  for (const [dtype, type] of Object.entries(ARRAY_TYPES) as [
    ArrayDtype,
    (typeof ARRAY_TYPES)[ArrayDtype],
  ][]) {
    if (value instanceof type) return dtype;
  }
  return undefined;
}

/** Bytes of a typed array in little-endian order. */
function littleEndianBytes(array: AnyTypedArray): Uint8Array {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (LITTLE_ENDIAN || array.BYTES_PER_ELEMENT === 1) return bytes;
  const swapped = new Uint8Array(bytes.length);
  const width = array.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += width)
    for (let j = 0; j < width; j++) swapped[i + j] = bytes[i + width - 1 - j]!;
  return swapped;
}

export interface EncodedTree {
  /** JSON text of the tree with typed arrays replaced by references into `data`. */
  readonly manifest: string;
  /** The typed arrays' bytes, little-endian. */
  readonly data: Uint8Array;
}

/** Encodes a tree of plain objects, arrays, numbers, strings, booleans, null and typed arrays. */
export function encodeTree(value: unknown, where = 'state'): EncodedTree {
  const chunks: { offset: number; bytes: Uint8Array }[] = [];
  let size = 0;
  const walk = (node: unknown, path: string): unknown => {
    if (node === null || typeof node === 'string' || typeof node === 'boolean') return node;
    if (typeof node === 'number') return Number.isFinite(node) ? node : { $number: String(node) };
    if (ArrayBuffer.isView(node)) {
      const dtype = dtypeOf(node);
      if (!dtype) {
        throw new DataError('cannot encode this typed array', {
          where: { field: path },
          expected: Object.keys(ARRAY_TYPES).join(', '),
          found: node.constructor.name,
        });
      }
      const array = node as AnyTypedArray;
      const offset = Math.ceil(size / 8) * 8;
      chunks.push({ offset, bytes: littleEndianBytes(array) });
      size = offset + array.byteLength;
      return { $array: dtype, offset, length: array.length };
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, `${path}[${index}]`));
    const proto = typeof node === 'object' ? Object.getPrototypeOf(node) : undefined;
    if (proto === Object.prototype || proto === null) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node as Record<string, unknown>)) {
        if (key.startsWith('$')) {
          throw new DataError('keys starting with "$" are reserved', { where: { field: `${path}.${key}` } });
        }
        if (item !== undefined) out[key] = walk(item, `${path}.${key}`);
      }
      return out;
    }
    throw new DataError('cannot encode this value', {
      where: { field: path },
      expected: 'plain objects, arrays, numbers, strings, booleans, null or typed arrays',
      found: typeof node,
    });
  };
  const tree = walk(value, where);
  const data = new Uint8Array(size);
  for (const chunk of chunks) data.set(chunk.bytes, chunk.offset);
  return { manifest: JSON.stringify(tree), data };
}

function readArray(
  data: Uint8Array,
  dtype: ArrayDtype,
  offset: number,
  length: number,
  where: string,
): AnyTypedArray {
  const type = ARRAY_TYPES[dtype];
  const byteLength = length * type.BYTES_PER_ELEMENT;
  if (
    !Number.isInteger(offset) ||
    !Number.isInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + byteLength > data.length
  ) {
    throw new DataError('array reference outside the binary data', {
      where: { field: where },
      expected: `bytes within [0, ${data.length})`,
      found: `offset ${offset}, ${length} x ${dtype}`,
    });
  }
  const bytes = data.slice(offset, offset + byteLength);
  if (!LITTLE_ENDIAN && type.BYTES_PER_ELEMENT > 1) {
    const width = type.BYTES_PER_ELEMENT;
    for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
  }
  return new type(bytes.buffer, 0, length);
}

const NON_FINITE: Readonly<Record<string, number>> = Object.freeze(
  Object.assign(Object.create(null), {
    NaN: Number.NaN,
    Infinity: Number.POSITIVE_INFINITY,
    '-Infinity': Number.NEGATIVE_INFINITY,
  }),
);

/** Throws unless `record` has exactly the keys `keys` (own properties). */
function checkReferenceKeys(record: Record<string, unknown>, keys: readonly string[], path: string): void {
  const found = Object.keys(record);
  if (found.length !== keys.length || !keys.every((key) => Object.hasOwn(record, key))) {
    throw new DataError('malformed reference in state manifest', {
      where: { field: path },
      expected: `exactly the keys ${keys.join(', ')}`,
      found: found.join(', '),
    });
  }
}

function decodeReference(record: Record<string, unknown>, data: Uint8Array, path: string): unknown {
  if (Object.hasOwn(record, '$array')) {
    checkReferenceKeys(record, ['$array', 'offset', 'length'], path);
    const dtype = record.$array;
    if (typeof dtype !== 'string' || !Object.hasOwn(ARRAY_TYPES, dtype)) {
      throw new DataError('unknown array dtype in state manifest', {
        where: { field: path },
        expected: Object.keys(ARRAY_TYPES).join(', '),
        found: dtype,
      });
    }
    return readArray(data, dtype as ArrayDtype, record.offset as number, record.length as number, path);
  }
  checkReferenceKeys(record, ['$number'], path);
  const text = record.$number;
  if (typeof text !== 'string' || !Object.hasOwn(NON_FINITE, text)) {
    throw new DataError('invalid $number in state manifest', {
      where: { field: path },
      expected: 'NaN, Infinity or -Infinity',
      found: text,
    });
  }
  return NON_FINITE[text];
}

/** Decodes what `encodeTree` produced; objects come back without a prototype. */
export function decodeTree(manifest: string, data: Uint8Array, where = 'state'): unknown {
  const tree = parseJson(manifest, { file: where });
  const walk = (node: unknown, path: string): unknown => {
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map((item, index) => walk(item, `${path}[${index}]`));
    const record = node as Record<string, unknown>;
    if (Object.hasOwn(record, '$array') || Object.hasOwn(record, '$number')) {
      return decodeReference(record, data, path);
    }
    const out: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(record)) {
      if (key.startsWith('$') || key === '__proto__') {
        throw new DataError(`the key "${key}" is not allowed in a state manifest`, {
          where: { field: `${path}.${key}` },
          expected: 'no keys starting with "$" other than $array / $number references, no "__proto__"',
        });
      }
      out[key] = walk(record[key], `${path}.${key}`);
    }
    return out;
  };
  return walk(tree, where);
}
