/**
 * The prepared-shard format, browser-safe part: a JSON manifest plus one binary file per shard.
 * Each shard file is the concatenation of its columns (little-endian typed arrays, each starting at
 * a multiple of 8 bytes, zero padding between), in the column order of the manifest. Sample masks
 * and groups are derived (from labels and the group field) and not stored. Node file I/O lives in
 * `shards-node.ts`; this module encodes and decodes bytes, so a browser can keep shards in
 * IndexedDB or fetch them.
 */
import { ConfigError, DataError } from '@dtrn/base';
import type { DatasetSchema, InMemoryDataset } from '../types.js';
import { createEmptyDataset } from './create-dataset.js';
import { type Column, type ColumnDtype, listColumns, mapColumns } from './map-columns.js';
import { IS_LITTLE_ENDIAN, murmur3x86_32 } from './murmur3.js';
import { sampleMasksFor } from './sample-masks.js';

export const SHARD_FORMAT = 'dtrn-shards';
export const SHARD_FORMAT_VERSION = 1;
export const SHARD_COLUMN_ALIGNMENT = 8;

/** A stored column: its path (see `listColumns`), element type and values per row. */
export interface ShardColumnSpec {
  readonly path: string;
  readonly dtype: ColumnDtype;
  readonly width: number;
}

/** Where a column sits inside one shard file. */
export interface ShardColumnEntry {
  readonly path: string;
  readonly byteOffset: number;
  readonly byteLength: number;
}

export interface ShardEntry {
  /** File name relative to the shard directory. */
  readonly file: string;
  readonly rows: number;
  /** Size of the file in bytes. */
  readonly byteLength: number;
  /** MurmurHash3 x86_32 (seed 0) of the whole file, 8 lowercase hex digits. */
  readonly checksum: string;
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
  return murmur3x86_32(bytes).toString(16).padStart(8, '0');
}

/** Encodes all rows of `dataset` as one shard file's bytes (the entry's `file` is left empty). */
export function encodeShard(dataset: InMemoryDataset): { bytes: Uint8Array; entry: ShardEntry } {
  assertLittleEndian();
  const refs = listColumns(dataset).filter((ref) => !ref.path.startsWith('mask/'));
  const columns: ShardColumnEntry[] = [];
  let offset = 0;
  for (const ref of refs) {
    offset = Math.ceil(offset / SHARD_COLUMN_ALIGNMENT) * SHARD_COLUMN_ALIGNMENT;
    columns.push({ path: ref.path, byteOffset: offset, byteLength: ref.column.byteLength });
    offset += ref.column.byteLength;
  }
  const bytes = new Uint8Array(offset);
  refs.forEach((ref, index) => {
    const { column } = ref;
    bytes.set(
      new Uint8Array(column.buffer, column.byteOffset, column.byteLength),
      columns[index]!.byteOffset,
    );
  });
  return {
    bytes,
    entry: {
      file: '',
      rows: dataset.size,
      byteLength: bytes.byteLength,
      checksum: checksumHex(bytes),
      columns,
    },
  };
}

export interface DecodeShardOptions {
  /** Verify the file checksum. Default true. */
  readonly verifyChecksum?: boolean;
  /** File name for error messages. Default the entry's file. */
  readonly file?: string;
}

/**
 * Decodes one shard file's bytes into a dataset. Columns are zero-copy views into `bytes` when it
 * is 8-byte aligned (else one aligned copy is made). Throws a DataError naming the file for a wrong
 * size, checksum, or column layout.
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
  if (options.verifyChecksum !== false) {
    const checksum = checksumHex(bytes);
    if (checksum !== entry.checksum) {
      throw new DataError('shard file checksum mismatch (corrupted or overwritten?)', {
        where: { file },
        expected: entry.checksum,
        found: checksum,
      });
    }
  }
  const source = bytes.byteOffset % SHARD_COLUMN_ALIGNMENT === 0 ? bytes : copyAligned(bytes);
  const views = new Map<string, Column>();
  manifest.columns.forEach((spec, index) => {
    const placed = entry.columns[index];
    const expectedLength = entry.rows * spec.width * BYTES_PER_ELEMENT[spec.dtype];
    if (
      !placed ||
      placed.path !== spec.path ||
      placed.byteLength !== expectedLength ||
      placed.byteOffset % SHARD_COLUMN_ALIGNMENT !== 0 ||
      placed.byteOffset + placed.byteLength > source.byteLength
    ) {
      throw new DataError(`shard column "${spec.path}" has an invalid layout`, {
        where: { file, field: spec.path },
        expected: `${expectedLength} bytes at an 8-byte aligned offset within ${source.byteLength} bytes`,
        found: placed ?? 'no entry',
      });
    }
    const kind = ARRAY_OF[spec.dtype];
    views.set(
      spec.path,
      new kind(
        source.buffer as ArrayBuffer,
        source.byteOffset + placed.byteOffset,
        placed.byteLength / kind.BYTES_PER_ELEMENT,
      ),
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
