/**
 * Node file I/O for prepared shards (see shard-format.ts for the layout). Writes are atomic: every
 * file is written under a temporary name and renamed, shard file names carry a per-write id, and the
 * manifest is renamed into place last, so a reader sees either the previous complete set or the new
 * one; files of the previous set are removed after the new manifest is in place.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, DataError, optionalBoolean, optionalNumber } from '@dtrn/base';
import type { InMemoryDataset } from '../types.js';
import { createEmptyDataset } from './create-dataset.js';
import { listColumns } from './map-columns.js';
import { sampleMasksFor } from './sample-masks.js';
import { checkObject } from './schema-checks.js';
import {
  assertLittleEndian,
  checkColumnLayout,
  decodeShard,
  planShard,
  SHARD_FORMAT,
  SHARD_FORMAT_VERSION,
  type ShardEntry,
  type ShardManifest,
  shardColumnsOf,
  templateOptions,
  verifyColumnChecksum,
} from './shard-format.js';
import { validateShardManifest } from './shard-manifest.js';
import { sliceRows } from './take-rows.js';
import { validateDataset } from './validate-dataset.js';

export const MANIFEST_FILE = 'manifest.json';
const SHARD_FILE_PATTERN = /^shard-\d{5,}-[0-9a-f]+\.bin$/;

export interface WriteShardsArgs {
  /** Rows per shard file. Integer >= 1, default 100,000. */
  readonly rowsPerShard?: number;
  /** Replace an existing shard set in `dir`. Default false (a ConfigError if one exists). */
  readonly overwrite?: boolean;
  /** Run `validateDataset` first. Default true. */
  readonly validate?: boolean;
  /** Free-form JSON provenance stored in the manifest (loader, sources, split, leakage report). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export const DEFAULT_WRITE_SHARDS_ARGS = Object.freeze({
  rowsPerShard: 100_000,
  overwrite: false,
  validate: true,
});

export interface ReadShardsOptions {
  /** Verify every column checksum. Default true. */
  readonly verifyChecksums?: boolean;
}

async function exists(path: string): Promise<boolean> {
  try {
    await (await open(path, 'r')).close();
    return true;
  } catch {
    return false;
  }
}

/** Writes `pieces` (or a string) to a temporary name, then renames it to `path`. */
async function writeAtomically(path: string, data: readonly Uint8Array[] | string): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    if (typeof data === 'string') await writeFile(temporary, data);
    else {
      const handle = await open(temporary, 'w');
      try {
        // Gathered write of the column views: no copy into one buffer. Short writes are retried.
        let pending = data.filter((piece) => piece.byteLength > 0);
        while (pending.length > 0) {
          let { bytesWritten } = await handle.writev(pending.slice(0, 512));
          while (pending.length > 0 && bytesWritten >= pending[0]!.byteLength) {
            bytesWritten -= pending[0]!.byteLength;
            pending = pending.slice(1);
          }
          if (bytesWritten > 0) pending = [pending[0]!.subarray(bytesWritten), ...pending.slice(1)];
        }
      } finally {
        await handle.close();
      }
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Writes `dataset` to `dir` as shards plus a manifest; returns the manifest. */
export async function writeShards(
  dataset: InMemoryDataset,
  dir: string,
  args: WriteShardsArgs = {},
): Promise<ShardManifest> {
  assertLittleEndian();
  const where = 'WriteShardsArgs';
  checkObject(args, ['rowsPerShard', 'overwrite', 'validate', 'metadata'], where);
  const rowsPerShard = optionalNumber(
    args.rowsPerShard,
    DEFAULT_WRITE_SHARDS_ARGS.rowsPerShard,
    { integer: true, min: 1 },
    `${where}.rowsPerShard`,
  );
  const overwrite = optionalBoolean(
    args.overwrite,
    DEFAULT_WRITE_SHARDS_ARGS.overwrite,
    `${where}.overwrite`,
  );
  if (optionalBoolean(args.validate, DEFAULT_WRITE_SHARDS_ARGS.validate, `${where}.validate`)) {
    validateDataset(dataset);
  }
  await mkdir(dir, { recursive: true });
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!overwrite && (await exists(manifestPath))) {
    throw new ConfigError(`writeShards: ${manifestPath} already exists`, {
      expected: 'an empty directory, or overwrite: true',
    });
  }
  const writeId = randomBytes(4).toString('hex');
  const shards: ShardEntry[] = [];
  for (let start = 0, index = 0; start < dataset.size || index === 0; start += rowsPerShard, index++) {
    const end = Math.min(dataset.size, start + rowsPerShard);
    const { pieces, entry } = planShard(sliceRows(dataset, start, end));
    const file = `shard-${String(index).padStart(5, '0')}-${writeId}.bin`;
    await writeAtomically(join(dir, file), pieces);
    shards.push({ ...entry, file });
    if (dataset.size === 0) break;
  }
  const manifest: ShardManifest = {
    format: SHARD_FORMAT,
    version: SHARD_FORMAT_VERSION,
    schema: dataset.schema,
    rows: dataset.size,
    rowsPerShard,
    columns: shardColumnsOf(dataset),
    shards,
    ...(args.metadata ? { metadata: args.metadata } : {}),
  };
  await writeAtomically(manifestPath, `${JSON.stringify(manifest, null, 1)}\n`);
  const keep = new Set(shards.map((shard) => shard.file));
  for (const name of await readdir(dir)) {
    if (SHARD_FILE_PATTERN.test(name) && !keep.has(name)) await rm(join(dir, name), { force: true });
  }
  return manifest;
}

/** Reads and validates `dir/manifest.json` (DataError naming the file when missing or malformed). */
export async function readShardManifest(dir: string): Promise<ShardManifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DataError('cannot read the shard manifest', { where: { file: path }, cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DataError(`shard manifest is not valid JSON (${(error as Error).message})`, {
      where: { file: path },
      cause: error,
    });
  }
  return validateShardManifest(parsed, path);
}

type FileHandle = Awaited<ReturnType<typeof open>>;

/** Opens a shard file and checks its size against the manifest (DataError naming the file). */
async function openShard(path: string, entry: ShardEntry): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new DataError('cannot open shard file', { where: { file: path }, cause: error });
  }
  const { size } = await handle.stat();
  if (size !== entry.byteLength) {
    await handle.close();
    throw new DataError('shard file has the wrong size (truncated or overwritten?)', {
      where: { file: path },
      expected: `${entry.byteLength} bytes (from the manifest)`,
      found: `${size} bytes`,
    });
  }
  return handle;
}

/** Fills `target` from `position` of the file (looping over short reads). */
async function readFully(
  handle: FileHandle,
  target: Uint8Array,
  position: number,
  path: string,
): Promise<void> {
  let done = 0;
  while (done < target.byteLength) {
    const { bytesRead } = await handle.read(target, done, target.byteLength - done, position + done);
    if (bytesRead === 0) {
      throw new DataError('shard file ended early', {
        where: { file: path },
        expected: `${target.byteLength} bytes at offset ${position}`,
        found: done,
      });
    }
    done += bytesRead;
  }
}

/**
 * Streams a shard set: yields one dataset per shard file (columns are views into a buffer holding
 * that file), after validating the manifest. Memory stays at about one shard at a time.
 */
export async function* iterateShards(
  dir: string,
  options: ReadShardsOptions = {},
): AsyncGenerator<InMemoryDataset, void, undefined> {
  const manifest = await readShardManifest(dir);
  const verifyChecksum = optionalBoolean(options.verifyChecksums, true, 'ReadShardsOptions.verifyChecksums');
  for (const entry of manifest.shards) {
    const path = join(dir, entry.file);
    const handle = await openShard(path, entry);
    const bytes = new Uint8Array(new ArrayBuffer(entry.byteLength));
    try {
      await readFully(handle, bytes, 0, path);
    } finally {
      await handle.close();
    }
    yield decodeShard(bytes, entry, manifest, { verifyChecksum, file: path });
  }
}

/**
 * Reads a whole shard set into one dataset: columns are allocated once and every stored column is
 * read straight into its place (no intermediate buffer), then its checksum is verified there.
 */
export async function readShards(dir: string, options: ReadShardsOptions = {}): Promise<InMemoryDataset> {
  const manifest = await readShardManifest(dir);
  const verifyChecksum = optionalBoolean(options.verifyChecksums, true, 'ReadShardsOptions.verifyChecksums');
  const dataset = createEmptyDataset(manifest.schema, manifest.rows, templateOptions(manifest));
  const targets = listColumns(dataset).filter((ref) => !ref.path.startsWith('mask/'));
  let row = 0;
  for (const entry of manifest.shards) {
    const path = join(dir, entry.file);
    const handle = await openShard(path, entry);
    try {
      for (const [index, target] of targets.entries()) {
        checkColumnLayout(entry, manifest, index, path);
        const placed = entry.columns[index]!;
        const { column, width } = target;
        const start = column.byteOffset + row * width * column.BYTES_PER_ELEMENT;
        const bytes = new Uint8Array(column.buffer, start, placed.byteLength);
        await readFully(handle, bytes, placed.byteOffset, path);
        if (verifyChecksum) verifyColumnChecksum(bytes, placed, path);
      }
    } finally {
      await handle.close();
    }
    row += entry.rows;
  }
  sampleMasksFor(manifest.schema, dataset.labels, dataset.sampleMasks);
  return dataset;
}
