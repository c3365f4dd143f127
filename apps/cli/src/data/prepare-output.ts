/**
 * The output directory of `dtrn prepare`, written all or nothing: shards go to a temporary sibling
 * directory (`.<name>.prepare-<pid>-<hex>` beside `--out`), renamed to `--out` at the end. A failed
 * prepare removes its temporary directory; one left by a killed process is removed by the next
 * prepare of the same `--out`. An existing `--out` is replaced only with `--overwrite`, and only if
 * it is empty or was written by `dtrn prepare`; any other file or directory is never touched.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '@dtrn/base';

/** What `--out` is now: nothing, an empty directory, or the output of an earlier prepare. */
export type OutState = 'absent' | 'empty' | 'prepared';

/** Files that mark a directory written by `dtrn prepare`. */
const PREPARED_MARKERS = ['prepare.json', join('train', 'manifest.json')];

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Throws a ConfigError unless `out` may receive a prepared data set (see the module doc). */
export async function checkOut(out: string, overwrite: boolean): Promise<OutState> {
  let stats: Awaited<ReturnType<typeof lstat>>;
  try {
    stats = await lstat(out);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw new ConfigError(`--out ${out} cannot be read`, { cause: error });
  }
  const expected = 'a new directory, an empty one, or one written by dtrn prepare (with --overwrite)';
  if (!stats.isDirectory()) {
    const found = stats.isSymbolicLink() ? 'a symbolic link' : 'a file';
    throw new ConfigError(`--out ${out} already exists and is not a directory`, { expected, found });
  }
  if ((await readdir(out)).length === 0) return 'empty';
  const prepared = (await Promise.all(PREPARED_MARKERS.map((marker) => exists(join(out, marker))))).some(
    Boolean,
  );
  if (!prepared) {
    throw new ConfigError(
      `--out ${out} is a non-empty directory not written by dtrn prepare; refusing to replace it`,
      {
        expected,
        found: 'a non-empty directory without prepare.json',
      },
    );
  }
  if (!overwrite) {
    throw new ConfigError(`--out ${out} already holds prepared data`, {
      expected: '--overwrite to replace it, or another --out',
      found: 'prepare.json',
    });
  }
  return 'prepared';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temporary directories of earlier prepares of `out` whose process is gone: removed. */
async function removeOrphans(out: string): Promise<void> {
  const prefix = `.${basename(out)}.prepare-`;
  for (const name of await readdir(dirname(out))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) {
      await rm(join(dirname(out), name), { recursive: true, force: true });
    }
  }
}

/**
 * Runs `write(temporary)` and moves its result to `out`; on any failure removes the temporary
 * directory and leaves `out` as it was, also on Ctrl-C or SIGTERM (which then exit 130 / 143).
 * Returns what `write` returned.
 */
export async function writeAllOrNothing<T>(
  out: string,
  overwrite: boolean,
  write: (temporary: string) => Promise<T>,
): Promise<T> {
  await checkOut(out, overwrite);
  await mkdir(dirname(out), { recursive: true });
  await removeOrphans(out);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temporary = join(dirname(out), `.${basename(out)}.prepare-${suffix}`);
  const onSignal = (signal: NodeJS.Signals) => {
    rmSync(temporary, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await mkdir(temporary);
    const result = await write(temporary);
    const state = await checkOut(out, overwrite); // again: --out may have changed meanwhile
    if (state === 'empty') await rmdir(out);
    if (state !== 'prepared') {
      await rename(temporary, out);
      return result;
    }
    const replaced = join(dirname(out), `.${basename(out)}.prepare-${suffix}-replaced`);
    await rename(out, replaced);
    try {
      await rename(temporary, out);
    } catch (error) {
      await rename(replaced, out);
      throw error;
    }
    await rm(replaced, { recursive: true, force: true });
    return result;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await rm(temporary, { recursive: true, force: true });
  }
}
