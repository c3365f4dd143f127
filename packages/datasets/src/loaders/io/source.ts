/**
 * Where a loader reads bytes from. Browser-safe: a source is anything that can be opened (more than
 * once: two-pass loaders re-read it) into an async iterable of byte chunks, e.g. a `File.stream()`
 * in a browser or a `node:fs` read stream (see `fileSource` in `@dtrn/datasets/node`).
 */
export interface DataSource {
  /** Shown in error messages and reports (a file name or path). */
  readonly name: string;
  /** Total size in bytes, if known (for progress). */
  readonly totalBytes?: number;
  /** Opens a fresh stream of chunks from the start. */
  open(): AsyncIterable<Uint8Array>;
}

/** Progress of a long read. */
export interface ReadProgress {
  readonly file: string;
  /** Which pass over the data (1-based) of `passes`. */
  readonly pass: number;
  readonly passes: number;
  readonly bytesRead: number;
  /** Undefined when the source does not know its size. */
  readonly totalBytes: number | undefined;
}

export type ProgressCallback = (progress: ReadProgress) => void;

/** A source over bytes already in memory, split into chunks of `chunkBytes` (tests, browsers). */
export function bytesSource(name: string, bytes: Uint8Array, chunkBytes = 1 << 16): DataSource {
  return {
    name,
    totalBytes: bytes.length,
    async *open() {
      for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
        yield bytes.subarray(offset, Math.min(bytes.length, offset + chunkBytes));
      }
    },
  };
}

/** A source over a string (encoded as UTF-8). */
export function textSource(name: string, text: string, chunkBytes?: number): DataSource {
  return bytesSource(name, new TextEncoder().encode(text), chunkBytes);
}
