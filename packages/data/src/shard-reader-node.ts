/**
 * Node reader of prepared shards (layout in shard-format.ts): the manifest is validated first, then
 * every file's size and every column's layout and checksum, each failure a DataError naming the file.
 */
import { join } from 'node:path';
import { optionalBoolean, parseJson } from '@dtrn/base';
import { readTextWithin } from '@dtrn/base/node';
import { createEmptyDataset } from './create-dataset.js';
import { listColumns } from './map-columns.js';
import { sampleMasksFor } from './sample-masks.js';
import { MANIFEST_FILE, MAX_SHARD_MANIFEST_BYTES, openShard, readFully } from './shard-files-node.js';
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

/**
 * Reads and validates `dir/manifest.json` (DataError naming the file when missing, not a regular
 * file inside `dir`, over 64 MiB, not strict JSON or malformed).
 */
export async function readShardManifest(dir: string): Promise<ShardManifest> {
  const path = join(dir, MANIFEST_FILE);
  const text = await readTextWithin(dir, MANIFEST_FILE, { maxBytes: MAX_SHARD_MANIFEST_BYTES });
  return validateShardManifest(parseJson(text, { file: path }), path);
}

/**
 * Checks every shard file (inside `dir`, regular, the declared size) and every column's layout
 * before anything is allocated from the manifest's row count.
 */
async function checkShardFiles(dir: string, manifest: ShardManifest): Promise<void> {
  for (const entry of manifest.shards) {
    const path = join(dir, entry.file);
    for (let index = 0; index < entry.columns.length; index++)
      checkColumnLayout(entry, manifest, index, path);
    await (await openShard(dir, entry)).close();
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
    const handle = await openShard(dir, entry);
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
  await checkShardFiles(dir, manifest);
  const dataset = createEmptyDataset(manifest.schema, manifest.rows, templateOptions(manifest));
  const targets = listColumns(dataset).filter((ref) => !ref.path.startsWith('mask/'));
  let row = 0;
  for (const entry of manifest.shards) {
    const path = join(dir, entry.file);
    const handle = await openShard(dir, entry);
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
