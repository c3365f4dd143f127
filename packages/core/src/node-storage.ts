/** Storage on the local file system (Node only; exported from `@dtrn/core/node`). */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DataError } from '@dtrn/base';
import { readFileWithin, readTextWithin } from '@dtrn/base/node';
import { type ReadOptions, readLimits, type Storage } from './storage.js';

/**
 * Files under a root directory. Writes go to a temporary sibling, then `rename` (atomic on POSIX).
 * Reads go through `@dtrn/base/node`'s checked reader: a file whose real path (links resolved) lies
 * outside the root, or that is not a regular file (`/dev/zero`, a FIFO), is refused before it is
 * opened, and its size is checked against `ReadOptions` before it is read.
 */
export class FileStorage implements Storage {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(relative: string): string {
    const full = resolve(this.root, relative);
    if (full !== this.root && !full.startsWith(`${this.root}/`)) {
      throw new DataError('path escapes the storage root', {
        where: { file: relative },
        expected: `a path inside ${this.root}`,
      });
    }
    return full;
  }

  async writeFile(path: string, data: Uint8Array | string): Promise<void> {
    const target = this.path(path);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await writeFile(temporary, data);
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  displayPath(path: string): string {
    return resolve(this.root, path);
  }

  async readFile(path: string, options?: ReadOptions): Promise<Uint8Array> {
    return readFileWithin(this.root, this.path(path), readLimits(options));
  }

  async readText(path: string, options?: ReadOptions): Promise<string> {
    return readTextWithin(this.root, this.path(path), readLimits(options));
  }

  async exists(path: string): Promise<boolean> {
    try {
      await stat(this.path(path));
      return true;
    } catch {
      return false;
    }
  }

  async list(directory: string): Promise<string[]> {
    try {
      return (await readdir(this.path(directory))).sort();
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return [];
      throw error;
    }
  }

  async remove(path: string): Promise<void> {
    await rm(this.path(path), { recursive: true, force: true });
  }

  async replaceDirectory(from: string, to: string): Promise<void> {
    const source = this.path(from);
    const target = this.path(to);
    await mkdir(dirname(target), { recursive: true });
    // rename() cannot replace a non-empty directory: move the old one aside first, then swap.
    const aside = `${target}.old-${randomBytes(6).toString('hex')}`;
    let movedAside = false;
    try {
      await rename(target, aside);
      movedAside = true;
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
    }
    try {
      await rename(source, target);
    } catch (error) {
      if (movedAside) await rename(aside, target);
      throw error;
    }
    if (movedAside) await rm(aside, { recursive: true, force: true });
  }
}
