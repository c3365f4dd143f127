/**
 * Size limits of a file read (browser-safe, shared by `@dtrn/base/node`'s reader and by in-memory
 * storages): the size a manifest declared and a largest size, both checked before reading.
 */
import { DataError } from './errors.js';

export interface FileLimits {
  /** Largest size accepted, in bytes: a larger file is refused before it is read. */
  readonly maxBytes: number;
  /** Size declared by a manifest: any other size is refused before the file is read. */
  readonly expectedBytes?: number;
}

/** Throws unless `maxBytes` (and `expectedBytes`, when given) are integers >= 0. */
export function checkFileLimits(limits: FileLimits): void {
  const { maxBytes, expectedBytes } = limits;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new DataError('invalid file size limit', { expected: 'an integer >= 0', found: maxBytes });
  }
  if (expectedBytes !== undefined && (!Number.isSafeInteger(expectedBytes) || expectedBytes < 0)) {
    throw new DataError('invalid declared file size', { expected: 'an integer >= 0', found: expectedBytes });
  }
}

/** Throws a DataError naming `path` when `size` differs from the declared size or exceeds the limit. */
export function checkFileSize(path: string, size: number, limits: FileLimits): void {
  if (limits.expectedBytes !== undefined && size !== limits.expectedBytes) {
    throw new DataError(
      size < limits.expectedBytes ? 'the file is truncated' : 'the file is longer than declared',
      { where: { file: path }, expected: `${limits.expectedBytes} bytes (declared)`, found: size },
    );
  }
  if (size > limits.maxBytes) {
    throw new DataError('the file is larger than allowed', {
      where: { file: path },
      expected: `at most ${limits.maxBytes} bytes`,
      found: size,
    });
  }
}
