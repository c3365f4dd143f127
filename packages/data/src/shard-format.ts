/**
 * The prepared-shard format, browser-safe part: a JSON manifest plus one binary file per shard.
 * Each shard file is the concatenation of its columns (little-endian typed arrays, each starting at
 * a multiple of 8 bytes, zero padding between), in the column order of the manifest. Sample masks
 * and groups are derived (from labels and the group field) and not stored. Node file I/O lives in
 * `shards-node.ts`; this module encodes and decodes bytes, so a browser can keep shards in
 * IndexedDB or fetch them.
 */
import { ConfigError, DataError } from '@dtrn/base';
import { createEmptyDataset } from './create-dataset.js';
import { type Column, type ColumnDtype, listColumns, mapColumns } from './map-columns.js';
import { sampleMasksFor } from './sample-masks.js';
import type { DatasetSchema, InMemoryDataset } from './types.js';
import { IS_LITTLE_ENDIAN, xxhash32 } from './xxhash32.js';

export const SHARD_FORMAT = 'dtrn-shards';
export const SHARD_FORMAT_VERSION = 1;
export const SHARD_COLUMN_ALIGNMENT = 8;

/** A stored column: its path (see `listColumns`), element type and values per row. */
export interface ShardColumnSpec {
  readonly path: string;
  readonly dtype: ColumnDtype;
  readonly width: number;
}

/** Where a column sits inside one shard file, and its checksum. */
export interface ShardColumnEntry {
  readonly path: string;
  readonly byteOffset: number;
  readonly byteLength: number;
  /** xxHash32 (seed 0) of the column's bytes, 8 lowercase hex digits. */
  readonly checksum: string;
}

export interface ShardEntry {
  /** File name relative to the shard directory. */
  readonly file: string;
  readonly rows: number;
  /** Size of the file in bytes. */
  readonly byteLength: number;
  /** One entry per manifest column, same order. */
  readonly columns: readonly ShardColumnEntry[];
}

export interface ShardManifest {
  readonly format: typeof SHARD_FORMAT;
  readonly version: number;
  readonly schema: DatasetSchema;
  /** Total rows over all shards. */
  readonly rows: number;
  readonly rowsPerShard: number;
  readonly columns: readonly ShardColumnSpec[];
  readonly shards: readonly ShardEntry[];
  /** Free-form provenance (loader name, source files, split, leakage report...), kept as written. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

const BYTES_PER_ELEMENT: Record<ColumnDtype, number> = { int32: 4, float32: 4, float64: 8 };
const ARRAY_OF: Record<ColumnDtype, typeof Int32Array | typeof Float32Array | typeof Float64Array> = {
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

export function assertLittleEndian(): void {
  if (!IS_LITTLE_ENDIAN) {
    throw new ConfigError('dtrn shards need a little-endian platform', { found: 'a big-endian platform' });
  }
}

/** The stored columns of a dataset (every per-row column except the derived sample masks). */
export function shardColumnsOf(dataset: InMemoryDataset): ShardColumnSpec[] {
  return listColumns(dataset)
    .filter((ref) => !ref.path.startsWith('mask/'))
    .map(({ path, dtype, width }) => ({ path, dtype, width }));
}

export function checksumHex(bytes: Uint8Array): string {
  return xxhash32(bytes).toString(16).padStart(8, '0');
}

/**
 * The layout of one shard for all rows of `dataset`: its manifest entry (the `file` left empty)
 * and the file's content as pieces (column bytes as views, zero padding between), ready for a
 * gathered write without copying.
 */
export function planShard(dataset: InMemoryDataset): { pieces: Uint8Array[]; entry: ShardEntry } {
  assertLittleEndian();
  const refs = listColumns(dataset).filter((ref) => !ref.path.startsWith('mask/'));
  const columns: ShardColumnEntry[] = [];
  const pieces: Uint8Array[] = [];
  let offset = 0;
  for (const { path, column } of refs) {
    const padding = (SHARD_COLUMN_ALIGNMENT - (offset % SHARD_COLUMN_ALIGNMENT)) % SHARD_COLUMN_ALIGNMENT;
    if (padding > 0) pieces.push(new Uint8Array(padding));
    offset += padding;
    const source = new Uint8Array(column.buffer, column.byteOffset, column.byteLength);
    pieces.push(source);
    columns.push({ path, byteOffset: offset, byteLength: column.byteLength, checksum: checksumHex(source) });
    offset += column.byteLength;
  }
  return { pieces, entry: { file: '', rows: dataset.size, byteLength: offset, columns } };
}

/** Encodes all rows of `dataset` as one shard file's bytes (the entry's `file` is left empty). */
export function encodeShard(dataset: InMemoryDataset): { bytes: Uint8Array; entry: ShardEntry } {
  const { pieces, entry } = planShard(dataset);
  const bytes = new Uint8Array(entry.byteLength);
  let offset = 0;
  for (const piece of pieces) {
    bytes.set(piece, offset);
    offset += piece.byteLength;
  }
  return { bytes, entry };
}

export interface DecodeShardOptions {
  /** Verify every column checksum. Default true. */
  readonly verifyChecksum?: boolean;
  /** File name for error messages. Default the entry's file. */
  readonly file?: string;
}

/**
 * Checks that the entry's column `index` is where the manifest's column spec says it must be
 * (path, exact length for `entry.rows`, 8-byte alignment, inside the file); returns its typed-array
 * constructor. Throws a DataError naming the file and column otherwise.
 */
export function checkColumnLayout(
  entry: ShardEntry,
  manifest: ShardManifest,
  index: number,
  file: string,
): typeof Int32Array | typeof Float32Array | typeof Float64Array {
  const spec = manifest.columns[index]!;
  const placed = entry.columns[index];
  const expectedLength = entry.rows * spec.width * BYTES_PER_ELEMENT[spec.dtype];
  if (
    !placed ||
    placed.path !== spec.path ||
    placed.byteLength !== expectedLength ||
    placed.byteOffset % SHARD_COLUMN_ALIGNMENT !== 0 ||
    placed.byteOffset + placed.byteLength > entry.byteLength
  ) {
    throw new DataError(`shard column "${spec.path}" has an invalid layout`, {
      where: { file, field: spec.path },
      expected: `${expectedLength} bytes at an 8-byte aligned offset within ${entry.byteLength} bytes`,
      found: placed ?? 'no entry',
    });
  }
  return ARRAY_OF[spec.dtype];
}

/** Throws a DataError naming the file and column when `bytes` do not match the column checksum. */
export function verifyColumnChecksum(bytes: Uint8Array, placed: ShardColumnEntry, file: string): void {
  const checksum = checksumHex(bytes);
  if (checksum !== placed.checksum) {
    throw new DataError(`shard column "${placed.path}" checksum mismatch (corrupted or overwritten?)`, {
      where: { file, field: placed.path },
      expected: placed.checksum,
      found: checksum,
    });
  }
}

/**
 * Decodes one shard file's bytes into a dataset. Columns are zero-copy views into `bytes` when it
 * is 8-byte aligned (else one aligned copy is made). Throws a DataError naming the file for a wrong
 * size, column layout or checksum.
 */
export function decodeShard(
  bytes: Uint8Array,
  entry: ShardEntry,
  manifest: ShardManifest,
  options: DecodeShardOptions = {},
): InMemoryDataset {
  assertLittleEndian();
  const file = options.file ?? entry.file;
  if (bytes.byteLength !== entry.byteLength) {
    throw new DataError('shard file has the wrong size (truncated or overwritten?)', {
      where: { file },
      expected: `${entry.byteLength} bytes (from the manifest)`,
      found: `${bytes.byteLength} bytes`,
    });
  }
  const source = bytes.byteOffset % SHARD_COLUMN_ALIGNMENT === 0 ? bytes : copyAligned(bytes);
  const views = new Map<string, Column>();
  manifest.columns.forEach((spec, index) => {
    const kind = checkColumnLayout(entry, manifest, index, file);
    const placed = entry.columns[index]!;
    const start = source.byteOffset + placed.byteOffset;
    if (options.verifyChecksum !== false) {
      verifyColumnChecksum(new Uint8Array(source.buffer, start, placed.byteLength), placed, file);
    }
    views.set(
      spec.path,
      new kind(source.buffer as ArrayBuffer, start, placed.byteLength / kind.BYTES_PER_ELEMENT),
    );
  });
  return fromColumns(manifest, entry.rows, views);
}

function copyAligned(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

/** A dataset of `rows` rows whose stored columns are `views` (by path); masks are recomputed. */
export function fromColumns(
  manifest: ShardManifest,
  rows: number,
  views: ReadonlyMap<string, Column>,
): InMemoryDataset {
  const template = createEmptyDataset(manifest.schema, 0, templateOptions(manifest));
  const take = <T extends Column>(path: string): T => views.get(path) as T;
  const dataset = mapColumns(template, rows, {
    int32: (_column, _width, path) => take<Int32Array>(path),
    float32: (_column, _width, path) =>
      path.startsWith('mask/') ? new Float32Array(rows) : take<Float32Array>(path),
    float64: (_column, _width, path) => take<Float64Array>(path),
  });
  sampleMasksFor(manifest.schema, dataset.labels, dataset.sampleMasks);
  return dataset;
}

/** Which optional columns (timestamps, extras) the manifest's datasets carry. */
export function templateOptions(manifest: ShardManifest): { timestamps: boolean; extras: string[] } {
  return {
    timestamps: manifest.columns.some((column) => column.path === 'timestamps'),
    extras: manifest.columns
      .filter((column) => column.path.startsWith('extra/'))
      .map((column) => column.path.slice('extra/'.length)),
  };
}
