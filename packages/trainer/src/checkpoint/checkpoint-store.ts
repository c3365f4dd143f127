/**
 * Checkpoints through the `Storage` interface (Node files or browser memory). Layout under the
 * checkpoint directory:
 *
 *   latest.json                      { "formatVersion": 1, "checkpoint": "step-0000000120" }
 *   step-0000000120/manifest.json    format, version, step, epoch, batch index, file list
 *   step-0000000120/trainer.json     loop position, seed, balancer, early stopping, history
 *   step-0000000120/model.json|.bin  model state (tree codec: JSON + little-endian binary)
 *   step-0000000120/optimizer.json|.bin   dense Adam step and moments
 *   step-0000000120/best-model.json|.bin  best epoch's model state (when there is one)
 *
 * A checkpoint is written under a temporary name, published with `replaceDirectory`, and only
 * then does `latest.json` (an atomic single-file write) point at it. A crash at any point leaves
 * the previous checkpoint and pointer intact; older checkpoints beyond `keep` are removed last.
 */
import { DataError } from '@dtrn/base';
import type { ModelState, Storage } from '@dtrn/core';
import type { DenseAdamState } from '../dense-adam.js';
import { decodeTree, encodeTree } from './tree-codec.js';

export const CHECKPOINT_FORMAT = 'dtrn-trainer-checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 1;
const LATEST = 'latest.json';
const PREFIX = 'step-';

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

interface Manifest {
  readonly format: string;
  readonly formatVersion: number;
  readonly step: number;
  readonly epoch: number;
  readonly batchIndex: number;
  readonly files: readonly string[];
}

function join(...parts: string[]): string {
  return parts.filter((part) => part !== '').join('/');
}

/** Directory name of the checkpoint at `step`. */
export function checkpointName(step: number): string {
  return `${PREFIX}${String(step).padStart(10, '0')}`;
}

async function writeTree(
  storage: Storage,
  directory: string,
  base: string,
  value: unknown,
): Promise<string[]> {
  const encoded = encodeTree(value, base);
  await storage.writeFile(join(directory, `${base}.bin`), encoded.data);
  await storage.writeFile(join(directory, `${base}.json`), encoded.manifest);
  return [`${base}.json`, `${base}.bin`];
}

async function readTree(storage: Storage, directory: string, base: string): Promise<unknown> {
  const manifest = await storage.readText(join(directory, `${base}.json`));
  const data = await storage.readFile(join(directory, `${base}.bin`));
  return decodeTree(manifest, data, join(directory, `${base}.json`));
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
    ];
    await storage.writeFile(join(temporary, 'trainer.json'), JSON.stringify(contents.trainer));
    const manifest: Manifest = {
      format: CHECKPOINT_FORMAT,
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      step: contents.step,
      epoch: contents.epoch,
      batchIndex: contents.batchIndex,
      files: [...files, 'trainer.json'],
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
  const published = entries.filter((entry) => entry.startsWith(PREFIX)).sort();
  const stale = published.slice(0, Math.max(0, published.length - Math.max(1, keep)));
  for (const entry of stale) if (entry !== name) await storage.remove(join(directory, entry));
  return name;
}

/** Name of the checkpoint `latest.json` points at, or null when there is none. */
export async function latestCheckpointName(storage: Storage, directory: string): Promise<string | null> {
  const pointer = join(directory, LATEST);
  if (!(await storage.exists(pointer))) return null;
  let parsed: { checkpoint?: unknown };
  try {
    parsed = JSON.parse(await storage.readText(pointer)) as { checkpoint?: unknown };
  } catch (cause) {
    throw new DataError('checkpoint pointer is not valid JSON', { where: { file: pointer }, cause });
  }
  if (typeof parsed.checkpoint !== 'string' || !parsed.checkpoint.startsWith(PREFIX)) {
    throw new DataError('checkpoint pointer names no checkpoint', {
      where: { file: pointer },
      expected: `"checkpoint": "${PREFIX}..."`,
      found: parsed.checkpoint,
    });
  }
  return parsed.checkpoint;
}

/** Reads the latest checkpoint under `directory`, or null when there is none. */
export async function readLatestCheckpoint<TTrainer = unknown>(
  storage: Storage,
  directory: string,
): Promise<CheckpointContents<TTrainer> | null> {
  const name = await latestCheckpointName(storage, directory);
  if (name === null) return null;
  const folder = join(directory, name);
  const manifestPath = join(folder, 'manifest.json');
  const manifest = JSON.parse(await storage.readText(manifestPath)) as Manifest;
  if (manifest.format !== CHECKPOINT_FORMAT || manifest.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    throw new DataError('unsupported checkpoint format', {
      where: { file: manifestPath },
      expected: `${CHECKPOINT_FORMAT} version ${CHECKPOINT_FORMAT_VERSION}`,
      found: `${manifest.format} version ${manifest.formatVersion}`,
    });
  }
  const hasBest = manifest.files.includes('best-model.json');
  return {
    step: manifest.step,
    epoch: manifest.epoch,
    batchIndex: manifest.batchIndex,
    trainer: JSON.parse(await storage.readText(join(folder, 'trainer.json'))) as TTrainer,
    model: (await readTree(storage, folder, 'model')) as ModelState,
    optimizer: (await readTree(storage, folder, 'optimizer')) as DenseAdamState,
    bestModel: hasBest ? ((await readTree(storage, folder, 'best-model')) as ModelState) : null,
  };
}
