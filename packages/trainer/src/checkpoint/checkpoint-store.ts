/**
 * Checkpoints through the `Storage` interface (Node files or browser memory). Layout under the
 * checkpoint directory:
 *
 *   latest.json                      { "formatVersion": 2, "checkpoint": "step-0000000120" }
 *   step-0000000120/manifest.json    format, version, step, epoch, batch index, and every file's
 *                                    name, byteLength and xxHash32 checksum
 *   step-0000000120/trainer.json     loop position, seed, balancer, early stopping, history, time
 *   step-0000000120/model.json|.bin  model state (tree codec: JSON + little-endian binary)
 *   step-0000000120/optimizer.json|.bin   dense Adam step and moments
 *   step-0000000120/best-model.json|.bin  best epoch's model state (when there is one)
 *
 * A checkpoint is written under a temporary name, published with `replaceDirectory`, and only
 * then does `latest.json` (an atomic single-file write) point at it. A crash at any point leaves
 * the previous checkpoint and pointer intact; older checkpoints beyond `keep` are removed last, and
 * so are leftovers of a write a crash interrupted (`.tmp-step-*`), here and on resume.
 *
 * Reading verifies a checkpoint like a saved model: strict JSON with no unknown keys, each file's
 * size (before reading it) and checksum against the manifest, and a total size limit; any mismatch
 * is a DataError naming the file.
 */
import { DataError, parseJson } from '@dtrn/base';
import type { ModelState, Storage } from '@dtrn/core';
import { xxhash32 } from '@dtrn/data';
import type { DenseAdamState } from '../dense-adam.js';
import { decodeTree, encodeTree } from './tree-codec.js';

export const CHECKPOINT_FORMAT = 'dtrn-trainer-checkpoint';
/** Version 2 added per-file checksums; version 1 checkpoints are refused (nothing to verify). */
export const CHECKPOINT_FORMAT_VERSION = 2;
/** Default largest checkpoint read (all files together): 8 GiB, as `loadModel`. */
export const DEFAULT_MAX_CHECKPOINT_BYTES = 2 ** 33;
const LATEST = 'latest.json';
const PREFIX = 'step-';
const NAME = /^step-\d{10}$/;
const MAX_POINTER_BYTES = 4096;
const MAX_MANIFEST_BYTES = 2 ** 20;
const TREES = ['model', 'optimizer', 'best-model'] as const;
const FILE_NAMES = [...TREES.flatMap((tree) => [`${tree}.json`, `${tree}.bin`]), 'trainer.json'];
/** Leftovers of interrupted writes: temporary checkpoints, pointer temporaries, moved-aside dirs. */
const ORPHAN = /^(\.tmp-step-|latest\.json\.tmp-|step-\d+\.old-)/;

export interface CheckpointContents<TTrainer = unknown> {
  readonly step: number;
  readonly epoch: number;
  readonly batchIndex: number;
  /** JSON trainer state. */
  readonly trainer: TTrainer;
  readonly model: ModelState;
  readonly bestModel: ModelState | null;
  readonly optimizer: DenseAdamState;
}

export interface ReadCheckpointOptions {
  /** Largest total size of the checkpoint's files, in bytes. Default 2^33 (8 GiB). */
  readonly maxBytes?: number;
}

interface FileEntry {
  readonly name: string;
  readonly byteLength: number;
  /** xxHash32 (seed 0) of the file, 8 lowercase hex digits. */
  readonly checksum: string;
}

interface Manifest {
  readonly format: string;
  readonly formatVersion: number;
  readonly step: number;
  readonly epoch: number;
  readonly batchIndex: number;
  readonly files: readonly FileEntry[];
}

function join(...parts: string[]): string {
  return parts.filter((part) => part !== '').join('/');
}

/** Directory name of the checkpoint at `step`. */
export function checkpointName(step: number): string {
  return `${PREFIX}${String(step).padStart(10, '0')}`;
}

function checksumOf(bytes: Uint8Array): string {
  return xxhash32(bytes).toString(16).padStart(8, '0');
}

async function writeEntry(storage: Storage, directory: string, name: string, data: Uint8Array | string) {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  await storage.writeFile(join(directory, name), bytes);
  return { name, byteLength: bytes.length, checksum: checksumOf(bytes) };
}

async function writeTree(storage: Storage, directory: string, base: string, value: unknown) {
  const encoded = encodeTree(value, base);
  return [
    await writeEntry(storage, directory, `${base}.bin`, encoded.data),
    await writeEntry(storage, directory, `${base}.json`, encoded.manifest),
  ];
}

/**
 * Removes what interrupted checkpoint writes left in `directory` (`.tmp-step-*` directories,
 * pointer temporaries). Call it only while no other process writes checkpoints there: training
 * does (after each write, and on resume), readers such as `evaluate` do not.
 */
export async function removeCheckpointOrphans(storage: Storage, directory: string): Promise<string[]> {
  const orphans = (await storage.list(directory)).filter((entry) => ORPHAN.test(entry));
  for (const entry of orphans) await storage.remove(join(directory, entry));
  return orphans;
}

/** Writes a checkpoint atomically and points `latest.json` at it; returns its directory name. */
export async function writeCheckpoint(
  storage: Storage,
  directory: string,
  contents: CheckpointContents,
  keep = 1,
): Promise<string> {
  const name = checkpointName(contents.step);
  const temporary = join(directory, `.tmp-${name}-${Math.random().toString(36).slice(2, 10)}`);
  try {
    const files = [
      ...(await writeTree(storage, temporary, 'model', contents.model)),
      ...(await writeTree(storage, temporary, 'optimizer', contents.optimizer)),
      ...(contents.bestModel ? await writeTree(storage, temporary, 'best-model', contents.bestModel) : []),
      await writeEntry(storage, temporary, 'trainer.json', JSON.stringify(contents.trainer)),
    ];
    const manifest: Manifest = {
      format: CHECKPOINT_FORMAT,
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      step: contents.step,
      epoch: contents.epoch,
      batchIndex: contents.batchIndex,
      files,
    };
    await storage.writeFile(join(temporary, 'manifest.json'), JSON.stringify(manifest, null, 2));
    await storage.replaceDirectory(temporary, join(directory, name));
  } catch (error) {
    await storage.remove(temporary).catch(() => undefined);
    throw error;
  }
  await storage.writeFile(
    join(directory, LATEST),
    JSON.stringify({ formatVersion: CHECKPOINT_FORMAT_VERSION, checkpoint: name }),
  );
  const entries = await storage.list(directory);
  const published = entries.filter((entry) => NAME.test(entry)).sort();
  const stale = published.slice(0, Math.max(0, published.length - Math.max(1, keep)));
  for (const entry of stale) if (entry !== name) await storage.remove(join(directory, entry));
  await removeCheckpointOrphans(storage, directory);
  return name;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a small JSON file of the checkpoint strictly: an object with exactly `keys`. */
async function readObject(storage: Storage, path: string, keys: readonly string[], maxBytes: number) {
  const value = parseJson(await storage.readText(path, { maxBytes }), { file: path });
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

/** Name of the checkpoint `latest.json` points at, or null when there is none. */
export async function latestCheckpointName(storage: Storage, directory: string): Promise<string | null> {
  const pointer = join(directory, LATEST);
  if (!(await storage.exists(pointer))) return null;
  const parsed = await readObject(storage, pointer, ['formatVersion', 'checkpoint'], MAX_POINTER_BYTES);
  if (typeof parsed.checkpoint !== 'string' || !NAME.test(parsed.checkpoint)) {
    throw new DataError('checkpoint pointer names no checkpoint', {
      where: { file: pointer },
      expected: `"checkpoint": "${PREFIX}<10 digits>"`,
      found: parsed.checkpoint,
    });
  }
  return parsed.checkpoint;
}

/** Reads and checks a checkpoint's manifest (format, version, file list). */
async function readManifest(storage: Storage, path: string, maxBytes: number): Promise<Manifest> {
  const raw = await readObject(
    storage,
    path,
    ['format', 'formatVersion', 'step', 'epoch', 'batchIndex', 'files'],
    MAX_MANIFEST_BYTES,
  );
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
  for (const required of ['model.json', 'model.bin', 'optimizer.json', 'optimizer.bin', 'trainer.json']) {
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

/** Reads one listed file: its size checked before reading, then its checksum. */
async function readVerified(storage: Storage, folder: string, entry: FileEntry): Promise<Uint8Array> {
  const path = join(folder, entry.name);
  const bytes = await storage.readFile(path, { expectedBytes: entry.byteLength, maxBytes: entry.byteLength });
  if (bytes.length !== entry.byteLength) {
    throw new DataError('the file has another size than the manifest says', {
      where: { file: path },
      expected: `${entry.byteLength} bytes`,
      found: bytes.length,
    });
  }
  const checksum = checksumOf(bytes);
  if (checksum !== entry.checksum) {
    throw new DataError('checksum mismatch (the file was changed or corrupted)', {
      where: { file: path },
      expected: entry.checksum,
      found: checksum,
    });
  }
  return bytes;
}

function utf8(bytes: Uint8Array, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new DataError('the file is not valid UTF-8', { where: { file: path }, cause });
  }
}

/**
 * Reads the latest checkpoint under `directory`, or null when there is none. Every file is verified
 * against the manifest (size before reading, then checksum); a mismatch is a DataError naming it.
 */
export async function readLatestCheckpoint<TTrainer = unknown>(
  storage: Storage,
  directory: string,
  options: ReadCheckpointOptions = {},
): Promise<CheckpointContents<TTrainer> | null> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CHECKPOINT_BYTES;
  const name = await latestCheckpointName(storage, directory);
  if (name === null) return null;
  const folder = join(directory, name);
  const manifest = await readManifest(storage, join(folder, 'manifest.json'), maxBytes);
  const entries = new Map(manifest.files.map((entry) => [entry.name, entry]));
  // One tree at a time (verified, decoded, its bytes dropped), so at most one raw copy is held.
  const read = (file: string) => readVerified(storage, folder, entries.get(file)!);
  const tree = async (base: string) => {
    if (!entries.has(`${base}.json`)) return null;
    const path = join(folder, `${base}.json`);
    const json = utf8(await read(`${base}.json`), path);
    return decodeTree(json, await read(`${base}.bin`), path);
  };
  const trainerPath = join(folder, 'trainer.json');
  const trainer = parseJson(utf8(await read('trainer.json'), trainerPath), { file: trainerPath }) as TTrainer;
  return {
    step: manifest.step,
    epoch: manifest.epoch,
    batchIndex: manifest.batchIndex,
    trainer,
    model: (await tree('model')) as ModelState,
    optimizer: (await tree('optimizer')) as DenseAdamState,
    bestModel: (await tree('best-model')) as ModelState | null,
  };
}
