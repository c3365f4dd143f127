/**
 * A small storage interface for checkpoints, saved models and shards, so libraries stay
 * browser-safe: the Node implementation lives in `@dtrn/core/node`, an in-memory one here.
 * Paths are relative, `/`-separated.
 */
import { checkFileLimits, checkFileSize, DataError } from '@dtrn/base';

/** Limits of one read, checked before the file is read (DataError naming the file otherwise). */
export interface ReadOptions {
  /** Largest size accepted, in bytes. Default: the storage's own limit (`FileStorage`: 2 GiB). */
  readonly maxBytes?: number;
  /** Size declared by a manifest: any other size is refused before reading. */
  readonly expectedBytes?: number;
}

/** Default largest file `FileStorage` and `MemoryStorage` read without `maxBytes`: 2 GiB. */
export const DEFAULT_MAX_FILE_BYTES = 2 ** 31;

/** `ReadOptions` with the default limit filled in, validated. */
export function readLimits(options: ReadOptions | undefined, fallback = DEFAULT_MAX_FILE_BYTES) {
  const limits = {
    maxBytes: options?.maxBytes ?? fallback,
    ...(options?.expectedBytes === undefined ? {} : { expectedBytes: options.expectedBytes }),
  };
  checkFileLimits(limits);
  return limits;
}

export interface Storage {
  /** Writes a file atomically: readers see the old content or the new, never a partial file. */
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  /**
   * Reads a whole file; throws DataError naming the path when it does not exist, or when its size
   * differs from `options.expectedBytes` or exceeds `options.maxBytes` (checked before reading).
   */
  readFile(path: string, options?: ReadOptions): Promise<Uint8Array>;
  /** `readFile` decoded as UTF-8 (DataError naming the path when it is not UTF-8). */
  readText(path: string, options?: ReadOptions): Promise<string>;
  exists(path: string): Promise<boolean>;
  /** Names (not paths) of the entries directly inside a directory; [] if it does not exist. */
  list(directory: string): Promise<string[]>;
  /** Removes a file or a directory tree; no error if absent. */
  remove(path: string): Promise<void>;
  /**
   * Replaces directory `to` with directory `from` in one rename where the platform allows (the
   * atomic publish of a multi-file save written under a temporary name).
   */
  replaceDirectory(from: string, to: string): Promise<void>;
  /** How error messages name `path` (e.g. `FileStorage`: the absolute path). Default: `path`. */
  displayPath?(path: string): string;
}

/** `path` as `storage` names it in messages. */
export function displayPath(storage: Storage, path: string): string {
  return storage.displayPath ? storage.displayPath(path) : path;
}

function normalise(path: string): string {
  return path
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

/** Storage in memory (tests, browsers without persistence). */
export class MemoryStorage implements Storage {
  private readonly files = new Map<string, Uint8Array>();

  async writeFile(path: string, data: Uint8Array | string): Promise<void> {
    this.files.set(normalise(path), typeof data === 'string' ? new TextEncoder().encode(data) : data.slice());
  }

  async readFile(path: string, options?: ReadOptions): Promise<Uint8Array> {
    const limits = readLimits(options);
    const data = this.files.get(normalise(path));
    if (!data) throw new DataError('file not found', { where: { file: path } });
    checkFileSize(path, data.length, limits);
    return data.slice();
  }

  async readText(path: string, options?: ReadOptions): Promise<string> {
    const bytes = await this.readFile(path, options);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (cause) {
      throw new DataError('the file is not valid UTF-8', { where: { file: path }, cause });
    }
  }

  async exists(path: string): Promise<boolean> {
    const key = normalise(path);
    if (this.files.has(key)) return true;
    for (const file of this.files.keys()) if (file.startsWith(`${key}/`)) return true;
    return false;
  }

  async list(directory: string): Promise<string[]> {
    const prefix = normalise(directory);
    const names = new Set<string>();
    for (const file of this.files.keys()) {
      if (prefix !== '' && !file.startsWith(`${prefix}/`)) continue;
      const rest = prefix === '' ? file : file.slice(prefix.length + 1);
      names.add(rest.split('/')[0]!);
    }
    return [...names].sort();
  }

  async remove(path: string): Promise<void> {
    const key = normalise(path);
    for (const file of [...this.files.keys()])
      if (file === key || file.startsWith(`${key}/`)) this.files.delete(file);
  }

  async replaceDirectory(from: string, to: string): Promise<void> {
    const source = normalise(from);
    const target = normalise(to);
    await this.remove(target);
    for (const [file, data] of [...this.files.entries()]) {
      if (file.startsWith(`${source}/`)) {
        this.files.delete(file);
        this.files.set(`${target}/${file.slice(source.length + 1)}`, data);
      }
    }
  }
}
