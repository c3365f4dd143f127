/**
 * Node reader of prepared shards (layout in shard-format.ts): the manifest is validated first, then
 * every file's size and every column's layout and checksum, each failure a DataError naming the file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError, optionalBoolean } from '@dtrn/base';
import { createEmptyDataset } from './create-dataset.js';
import { listColumns } from './map-columns.js';
import { sampleMasksFor } from './sample-masks.js';
import { MANIFEST_FILE, openShard, readFully } from './shard-files-node.js';
import {
  checkColumnLayout,
  decodeShard,
  type ShardManifest,
  templateOptions,
  verifyColumnChecksum,
} from './shard-format.js';
import { validateShardManifest } from './shard-manifest.js';
import type { InMemoryDataset } from './types.js';

export interface ReadShardsOptions {
  /** Verify every column checksum. Default true. */
  readonly verifyChecksums?: boolean;
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
