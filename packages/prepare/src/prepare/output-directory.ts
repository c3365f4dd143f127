/**
 * Atomic output: everything is written into a sibling temporary directory that replaces `--out`
 * only when the whole preparation succeeded, so a failed run leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '@dtrn/base';

async function isNonEmptyDirectory(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    if (!info.isDirectory())
      throw new ConfigError(`--out ${path} is a file`, { expected: 'a directory path' });
    return (await readdir(path)).length > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

export interface StagingDirectory {
  /** Where to write. */
  readonly path: string;
  /** Moves the staged files to the final directory (replacing an old one under overwrite). */
  commit(): Promise<void>;
  /** Removes the staged files. */
  discard(): Promise<void>;
}

export async function stageDirectory(out: string, overwrite: boolean): Promise<StagingDirectory> {
  const exists = await isNonEmptyDirectory(out);
  if (exists && !overwrite) {
    throw new ConfigError(`--out ${out} already holds files`, {
      expected: 'a new or empty directory, or --overwrite',
    });
  }
  const tag = randomBytes(4).toString('hex');
  const path = join(dirname(out), `.${basename(out)}.tmp-${tag}`);
  return {
    path,
    async commit() {
      const old = join(dirname(out), `.${basename(out)}.old-${tag}`);
      let moved = false;
      try {
        await rename(out, old);
        moved = true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      await rename(path, out);
      if (moved) await rm(old, { recursive: true, force: true });
    },
    async discard() {
      await rm(path, { recursive: true, force: true });
    },
  };
}
