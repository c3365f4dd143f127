/**
 * The checkpoint's own JSON files, parsed strictly (`parseJson`, exact keys, own properties): the
 * manifest that lists every file with its size and checksum, and the small objects around it.
 */
import { DataError, parseJson } from '@dtrn/base';
import { displayPath, type Storage } from '@dtrn/core';

export const CHECKPOINT_FORMAT = 'dtrn-trainer-checkpoint';
/** Version 2 added per-file checksums; version 1 checkpoints are refused (nothing to verify). */
export const CHECKPOINT_FORMAT_VERSION = 2;
const MAX_MANIFEST_BYTES = 2 ** 20;
const TREES = ['model', 'optimizer', 'best-model'] as const;
const FILE_NAMES = [...TREES.flatMap((tree) => [`${tree}.json`, `${tree}.bin`]), 'trainer.json'];
const REQUIRED = ['model.json', 'model.bin', 'optimizer.json', 'optimizer.bin', 'trainer.json'];

export interface FileEntry {
  readonly name: string;
  readonly byteLength: number;
  /** xxHash32 (seed 0) of the file, 8 lowercase hex digits. */
  readonly checksum: string;
}

export interface Manifest {
  readonly format: string;
  readonly formatVersion: number;
  readonly step: number;
  readonly epoch: number;
  readonly batchIndex: number;
  readonly files: readonly FileEntry[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a small JSON file of the checkpoint strictly: an object with exactly `keys`. */
export async function readObject(
  storage: Storage,
  storagePath: string,
  keys: readonly string[],
  maxBytes: number,
) {
  const path = displayPath(storage, storagePath);
  const value = parseJson(await storage.readText(storagePath, { maxBytes }), { file: path });
  if (!isRecord(value)) {
    throw new DataError('expected a JSON object', { where: { file: path }, found: value });
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw new DataError(`unknown key "${key}"`, {
        where: { file: path },
        expected: `only ${keys.join(', ')}`,
      });
    }
  }
  for (const key of keys) {
    if (!Object.hasOwn(value, key)) throw new DataError(`missing key "${key}"`, { where: { file: path } });
  }
  return value;
}

function count(value: unknown, path: string, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new DataError(`${field} is invalid`, {
      where: { file: path, field },
      expected: 'an integer >= 0',
      found: value,
    });
  }
  return value;
}

/** Reads and checks a checkpoint's manifest (format, version, file list, total size). */
export async function readCheckpointManifest(
  storage: Storage,
  storagePath: string,
  maxBytes: number,
): Promise<Manifest> {
  const raw = await readObject(
    storage,
    storagePath,
    ['format', 'formatVersion', 'step', 'epoch', 'batchIndex', 'files'],
    MAX_MANIFEST_BYTES,
  );
  const path = displayPath(storage, storagePath);
  if (raw.format !== CHECKPOINT_FORMAT || raw.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    const old = raw.format === CHECKPOINT_FORMAT && raw.formatVersion === 1;
    throw new DataError(
      old
        ? 'checkpoint format version 1 has no checksums and cannot be verified; this version reads version 2 (start the run afresh)'
        : 'unsupported checkpoint format',
      {
        where: { file: path },
        expected: `${CHECKPOINT_FORMAT} version ${CHECKPOINT_FORMAT_VERSION}`,
        found: `${String(raw.format)} version ${String(raw.formatVersion)}`,
      },
    );
  }
  if (!Array.isArray(raw.files)) {
    throw new DataError('files is invalid', { where: { file: path, field: 'files' }, expected: 'an array' });
  }
  const seen = new Set<string>();
  let total = 0;
  const files = raw.files.map((entry: unknown, i: number): FileEntry => {
    const field = `files[${i}]`;
    const keys = isRecord(entry) ? Object.keys(entry).sort().join(',') : '';
    if (
      !isRecord(entry) ||
      keys !== 'byteLength,checksum,name' ||
      typeof entry.name !== 'string' ||
      !FILE_NAMES.includes(entry.name) ||
      seen.has(entry.name) ||
      typeof entry.checksum !== 'string' ||
      !/^[0-9a-f]{8}$/.test(entry.checksum)
    ) {
      throw new DataError(`${field} is invalid`, {
        where: { file: path, field },
        expected: `a unique { name (${FILE_NAMES.join(', ')}), byteLength, checksum (8 hex digits) }`,
        found: entry,
      });
    }
    seen.add(entry.name);
    const byteLength = count(entry.byteLength, path, `${field}.byteLength`);
    total += byteLength;
    return { name: entry.name, byteLength, checksum: entry.checksum };
  });
  for (const required of REQUIRED) {
    if (!seen.has(required)) {
      throw new DataError(`the manifest does not list ${required}`, {
        where: { file: path, field: 'files' },
      });
    }
  }
  if (seen.has('best-model.json') !== seen.has('best-model.bin')) {
    throw new DataError('the manifest lists only half of best-model', {
      where: { file: path, field: 'files' },
    });
  }
  if (total > maxBytes) {
    throw new DataError('the checkpoint is larger than allowed', {
      where: { file: path },
      expected: `at most ${maxBytes} bytes (maxBytes)`,
      found: total,
    });
  }
  return {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    step: count(raw.step, path, 'step'),
    epoch: count(raw.epoch, path, 'epoch'),
    batchIndex: count(raw.batchIndex, path, 'batchIndex'),
    files,
  };
}
