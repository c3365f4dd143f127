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
import { displayPath, type ModelState, type Storage } from '@dtrn/core';
import { xxhash32 } from '@dtrn/data';
import type { DenseAdamState } from '../dense-adam.js';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  type FileEntry,
  type Manifest,
  readCheckpointManifest,
  readObject,
} from './checkpoint-manifest.js';
import { decodeTree, encodeTree } from './tree-codec.js';

export { CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_VERSION } from './checkpoint-manifest.js';

/** Default largest checkpoint read (all files together): 8 GiB, as `loadModel`. */
export const DEFAULT_MAX_CHECKPOINT_BYTES = 2 ** 33;
const LATEST = 'latest.json';
const PREFIX = 'step-';
const NAME = /^step-\d{10}$/;
const MAX_POINTER_BYTES = 4096;
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

/** Name of the checkpoint `latest.json` points at, or null when there is none. */
export async function latestCheckpointName(storage: Storage, directory: string): Promise<string | null> {
  const pointer = join(directory, LATEST);
  if (!(await storage.exists(pointer))) return null;
  const parsed = await readObject(storage, pointer, ['formatVersion', 'checkpoint'], MAX_POINTER_BYTES);
  if (typeof parsed.checkpoint !== 'string' || !NAME.test(parsed.checkpoint)) {
    throw new DataError('checkpoint pointer names no checkpoint', {
      where: { file: displayPath(storage, pointer) },
      expected: `"checkpoint": "${PREFIX}<10 digits>"`,
      found: parsed.checkpoint,
    });
  }
  return parsed.checkpoint;
}

/** Reads one listed file: its size checked before reading, then its checksum. */
async function readVerified(storage: Storage, folder: string, entry: FileEntry): Promise<Uint8Array> {
  const bytes = await storage.readFile(join(folder, entry.name), {
    expectedBytes: entry.byteLength,
    maxBytes: entry.byteLength,
  });
  const path = displayPath(storage, join(folder, entry.name));
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
  const manifest = await readCheckpointManifest(storage, join(folder, 'manifest.json'), maxBytes);
  const entries = new Map(manifest.files.map((entry) => [entry.name, entry]));
  // One tree at a time (verified, decoded, its bytes dropped), so at most one raw copy is held.
  const read = (file: string) => readVerified(storage, folder, entries.get(file)!);
  const tree = async (base: string) => {
    if (!entries.has(`${base}.json`)) return null;
    const path = displayPath(storage, join(folder, `${base}.json`));
    const json = utf8(await read(`${base}.json`), path);
    return decodeTree(json, await read(`${base}.bin`), path);
  };
  const trainerPath = displayPath(storage, join(folder, 'trainer.json'));
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
