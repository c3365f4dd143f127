/**
 * The one way dtrn reads files from disk (Node only): saved models, checkpoints, shards, run
 * directories and configs all come through here.
 *
 * - Files named by other files (a manifest's binaries, a checkpoint's parts, a run's records) are
 *   read *within a root*: the path is resolved with `realpath`, and anything that lands outside the
 *   root's real path (a symbolic link to `/etc/passwd`, `../` tricks) is refused before it is
 *   opened, so nothing from outside the root is read or echoed into a message.
 * - Files a user names on the command line (`--config`) may be links; they are followed.
 * - Either way the target must be a regular file (a link to `/dev/zero`, a FIFO or a directory is
 *   refused; FIFOs are opened non-blocking so the check cannot hang), and its size, from `fstat` on
 *   the opened handle, is checked against the declared size and a limit before a byte is read.
 *   Reading then stops at that size, so a file that grows meanwhile cannot grow the buffer.
 */
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { DataError } from './errors.js';
import { checkFileLimits, checkFileSize, type FileLimits } from './file-limits.js';

export type { FileLimits } from './file-limits.js';

export type FileHandle = Awaited<ReturnType<typeof open>>;

export interface CheckedFile {
  /** The open handle (the caller closes it). */
  readonly handle: FileHandle;
  /** Size in bytes from `fstat`, within the limits. */
  readonly size: number;
  /** The path as the caller named it, resolved (for messages). */
  readonly path: string;
}

// O_NONBLOCK: opening a FIFO must not wait for a writer. O_NOFOLLOW: the resolved path must not
// have become a link in the meantime. Both are 0 where the platform lacks them (Windows).
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

function codeOf(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code;
}

function notFound(path: string, cause: unknown): DataError {
  return new DataError('file not found', { where: { file: path }, cause });
}

function cannotRead(path: string, cause: unknown): DataError {
  return new DataError(`cannot read the file (${codeOf(cause) ?? (cause as Error).message})`, {
    where: { file: path },
    cause,
  });
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function kindOf(stats: Awaited<ReturnType<FileHandle['stat']>>): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

async function openRegular(path: string, openPath: string, flags: number, limits: FileLimits) {
  checkFileLimits(limits);
  let handle: FileHandle;
  try {
    handle = await open(openPath, flags);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') throw notFound(path, error);
    if (codeOf(error) === 'ELOOP') {
      throw new DataError('the file changed into a symbolic link while being opened', {
        where: { file: path },
        cause: error,
      });
    }
    throw cannotRead(path, error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new DataError(`not a regular file (${kindOf(stats)})`, {
        where: { file: path },
        expected: 'a regular file',
      });
    }
    checkFileSize(path, stats.size, limits);
    return { handle, size: stats.size, path };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Opens `path` (relative to `root`, or absolute inside it) for reading after checking that its
 * real path lies inside the root's real path, that it is a regular file and that its size fits
 * `limits`. DataError naming the file otherwise. The caller closes `handle`.
 */
export async function openFileWithin(root: string, path: string, limits: FileLimits): Promise<CheckedFile> {
  const lexicalRoot = resolve(root);
  const full = resolve(lexicalRoot, path);
  if (!isInside(lexicalRoot, full)) {
    throw new DataError('the path leads outside its directory', {
      where: { file: full },
      expected: `a file inside ${lexicalRoot}`,
    });
  }
  let realRoot: string;
  let real: string;
  try {
    realRoot = await realpath(lexicalRoot);
    real = await realpath(full);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') throw notFound(full, error);
    throw cannotRead(full, error);
  }
  if (!isInside(realRoot, real)) {
    throw new DataError('the file is a symbolic link to a place outside its directory; refused', {
      where: { file: full },
      expected: `a file inside ${realRoot}`,
      found: real,
    });
  }
  return openRegular(full, real, READ_FLAGS | NO_FOLLOW, limits);
}

/**
 * Opens a file the user named directly (e.g. `--config`): links are followed, but the target must
 * be a regular file whose size fits `limits`.
 */
export async function openUserFile(path: string, limits: FileLimits): Promise<CheckedFile> {
  const full = resolve(path);
  return openRegular(full, full, READ_FLAGS, limits);
}

/** Reads exactly `file.size` bytes from an opened file, then closes it. */
async function readAll(file: CheckedFile): Promise<Uint8Array> {
  const bytes = new Uint8Array(file.size);
  try {
    let done = 0;
    while (done < bytes.length) {
      const { bytesRead } = await file.handle.read(bytes, done, bytes.length - done, done);
      if (bytesRead === 0) {
        throw new DataError('the file ended early (did it change while being read?)', {
          where: { file: file.path },
          expected: `${bytes.length} bytes`,
          found: done,
        });
      }
      done += bytesRead;
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw cannotRead(file.path, error);
  } finally {
    await file.handle.close();
  }
  return bytes;
}

function decodeUtf8(bytes: Uint8Array, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new DataError('the file is not valid UTF-8', { where: { file: path }, cause });
  }
}

/** `openFileWithin`, then the whole file. */
export async function readFileWithin(root: string, path: string, limits: FileLimits): Promise<Uint8Array> {
  return readAll(await openFileWithin(root, path, limits));
}

/** `readFileWithin` decoded as UTF-8 (a byte order mark is kept; `parseJson` ignores it). */
export async function readTextWithin(root: string, path: string, limits: FileLimits): Promise<string> {
  const file = await openFileWithin(root, path, limits);
  return decodeUtf8(await readAll(file), file.path);
}

/** `openUserFile`, then the whole file. */
export async function readUserFile(path: string, limits: FileLimits): Promise<Uint8Array> {
  return readAll(await openUserFile(path, limits));
}

/** `readUserFile` decoded as UTF-8. */
export async function readUserText(path: string, limits: FileLimits): Promise<string> {
  const file = await openUserFile(path, limits);
  return decodeUtf8(await readAll(file), file.path);
}
