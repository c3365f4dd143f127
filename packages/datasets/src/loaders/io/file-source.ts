/** Node-only: a DataSource over a file, read with a bounded `node:fs` stream. */
import { createReadStream, statSync } from 'node:fs';
import type { DataSource } from './source.js';

export interface FileSourceOptions {
  /** Bytes per read chunk. Default 1 MiB. */
  readonly chunkBytes?: number;
  /** Name in messages and reports. Default the path as given. */
  readonly name?: string;
}

export function fileSource(path: string, options: FileSourceOptions = {}): DataSource {
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  return {
    name: options.name ?? path,
    totalBytes: statSync(path).size,
    async *open() {
      for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes })) {
        yield chunk as Uint8Array;
      }
    },
  };
}
