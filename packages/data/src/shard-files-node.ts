/** Node file helpers shared by the shard writer and reader (atomic writes, checked reads). */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { DataError } from '@dtrn/base';
import { type FileHandle, openFileWithin } from '@dtrn/base/node';
import type { ShardEntry } from './shard-format.js';

export const MANIFEST_FILE = 'manifest.json';
/** Largest shard manifest read: 64 MiB (a manifest lists shards and columns, never data). */
export const MAX_SHARD_MANIFEST_BYTES = 64 * 2 ** 20;

/** Shard file names: `shard-<index, 5+ digits>-<write id, hex>.bin`. */
export const SHARD_FILE_PATTERN = /^shard-\d{5,}-[0-9a-f]+\.bin$/;

export async function fileExists(path: string): Promise<boolean> {
  try {
    await (await open(path, 'r')).close();
    return true;
  } catch {
    return false;
  }
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** Writes `pieces` (or a string) to a temporary name, then renames it to `path`. */
export async function writeAtomically(path: string, data: readonly Uint8Array[] | string): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}-${randomHex(4)}`;
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

/**
 * Opens a shard file of `dir` through the checked reader: a regular file inside `dir` (links
 * resolved) whose size is the manifest's, checked before reading (DataError naming the file).
 */
export async function openShard(dir: string, entry: ShardEntry): Promise<FileHandle> {
  const opened = await openFileWithin(dir, entry.file, {
    maxBytes: entry.byteLength,
    expectedBytes: entry.byteLength,
  });
  return opened.handle;
}

/** Fills `target` from `position` of the file (looping over short reads). */
export async function readFully(
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
