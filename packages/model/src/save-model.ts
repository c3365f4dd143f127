/**
 * `saveModel`: writes the whole model (config, schema, vocabularies, dense weights, embedding rows)
 * under a temporary directory, then publishes it with one `replaceDirectory`, so readers see the
 * previous save or the new one, never a mix.
 */
import { ConfigError } from '@dtrn/base';
import type { Storage } from '@dtrn/core';
import { modelArgsToJson } from './model-args.js';
import type { RecommenderModel } from './recommender-model.js';
import {
  checksumOf,
  DENSE_FILE,
  embeddingFile,
  float32Bytes,
  MANIFEST_FILE,
  MODEL_LIBRARY_VERSION,
  SAVED_MODEL_FORMAT,
  SAVED_MODEL_VERSION,
  type SavedFileEntry,
  type SavedModelManifest,
  type SavedWeightEntry,
} from './saved-model-format.js';

export interface SaveModelOptions {
  /** Opaque JSON stored with the model (e.g. raw-id vocabularies). Default null. */
  readonly vocabularies?: unknown;
}

function checkJson(value: unknown, where: string): void {
  try {
    JSON.stringify(value);
  } catch (cause) {
    throw new ConfigError(`${where} must be JSON-serialisable`, { found: String(cause), cause });
  }
}

/** Saves `model` to `directory` of `storage` atomically; returns the manifest written. */
export async function saveModel(
  model: RecommenderModel,
  storage: Storage,
  directory: string,
  options: SaveModelOptions = {},
): Promise<SavedModelManifest> {
  const vocabularies = options.vocabularies ?? null;
  checkJson(vocabularies, 'saveModel: options.vocabularies');
  const files: SavedFileEntry[] = [];
  const weights: SavedWeightEntry[] = [];
  const writes: { file: string; data: Uint8Array }[] = [];

  const dense = model.namedWeights();
  const denseBytes = new Uint8Array(dense.reduce((n, w) => n + w.variable.size * 4, 0));
  let offset = 0;
  for (const { name, variable } of dense) {
    const bytes = float32Bytes(variable.dataSync() as Float32Array);
    denseBytes.set(bytes, offset);
    weights.push({
      name: `dense/${name}`,
      file: DENSE_FILE,
      dtype: 'float32',
      shape: [...variable.shape],
      byteOffset: offset,
      byteLength: bytes.length,
      checksum: checksumOf(bytes),
    });
    offset += bytes.length;
  }
  files.push({ name: DENSE_FILE, byteLength: denseBytes.length });
  writes.push({ file: DENSE_FILE, data: denseBytes });

  model.embeddingTables().forEach((table, index) => {
    const bytes = float32Bytes(table.read());
    const file = embeddingFile(index);
    weights.push({
      name: `embedding/${table.name}`,
      file,
      dtype: 'float32',
      shape: [table.rows, table.dim],
      byteOffset: 0,
      byteLength: bytes.length,
      checksum: checksumOf(bytes),
    });
    files.push({ name: file, byteLength: bytes.length });
    writes.push({ file, data: bytes });
  });

  const manifest: SavedModelManifest = {
    format: SAVED_MODEL_FORMAT,
    formatVersion: SAVED_MODEL_VERSION,
    libraryVersion: MODEL_LIBRARY_VERSION,
    config: modelArgsToJson(model.args),
    schema: model.schema,
    taskNames: [...model.taskNames],
    vocabularies,
    files,
    weights,
  };
  const clean = directory.replace(/\/+$/, '');
  const temporary = `${clean}.tmp-${Date.now().toString(36)}-${Math.floor(Math.random() * 2 ** 32).toString(36)}`;
  try {
    for (const { file, data } of writes) await storage.writeFile(`${temporary}/${file}`, data);
    await storage.writeFile(`${temporary}/${MANIFEST_FILE}`, `${JSON.stringify(manifest, null, 1)}\n`);
    await storage.replaceDirectory(temporary, clean);
  } catch (error) {
    await storage.remove(temporary).catch(() => undefined);
    throw error;
  }
  return manifest;
}
