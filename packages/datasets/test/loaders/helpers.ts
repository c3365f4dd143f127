import { fileURLToPath } from 'node:url';
import { fileSource } from '../../src/loaders/io/file-source.js';
import type { DataSource } from '../../src/loaders/io/source.js';

export function fixturePath(relative: string): string {
  return fileURLToPath(new URL(`../fixtures/${relative}`, import.meta.url));
}

/** A fixture file as a source, named by its relative path, in small chunks to exercise line joins. */
export function fixture(relative: string, chunkBytes = 97): DataSource {
  return fileSource(fixturePath(relative), { name: relative, chunkBytes });
}
