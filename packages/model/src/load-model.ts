/**
 * `loadModel`: reads a directory written by `saveModel`, validates it (strict JSON, no unknown
 * keys, format version, sizes, shapes, checksums, size limits) and rebuilds the model. The size of
 * the model the config describes is checked against `maxBytes` and the declared weights *before*
 * the model is built, so a small manifest cannot make it allocate gigabytes. Malformed, truncated
 * or oversized input is refused with a DataError naming the file.
 */
import { ConfigError, DataError, isDtrnError } from '@dtrn/base';
import { displayPath, type Storage } from '@dtrn/core';
import type { DatasetSchema } from '@dtrn/data';
import { buildModel } from './create-model.js';
import { parseManifest } from './manifest-check.js';
import type { ModelArgs } from './model-args.js';
import { type ModelConfig, resolveModelConfig } from './model-config.js';
import { configParameterCount, type PlannedSize } from './model-size.js';
import type { RecommenderModel } from './recommender-model.js';
import { bytesToFloat32, checksumOf, MANIFEST_FILE, type SavedModelManifest } from './saved-model-format.js';
import { assignDenseState, checkDenseState } from './state.js';

export interface LoadModelOptions {
  /** Largest total size of the binaries accepted, in bytes. Default 2^33 (8 GiB). */
  readonly maxBytes?: number;
  /** Largest manifest accepted, in bytes. Default 64 MiB. */
  readonly maxManifestBytes?: number;
}

export interface LoadedModel {
  readonly model: RecommenderModel;
  /** The opaque vocabularies passed to `saveModel` (or null). */
  readonly vocabularies: unknown;
  readonly manifest: SavedModelManifest;
}

export const DEFAULT_LOAD_MODEL_OPTIONS = Object.freeze({
  maxBytes: 2 ** 33,
  maxManifestBytes: 64 * 2 ** 20,
});

async function readManifest(storage: Storage, stored: string, maxManifestBytes: number, maxBytes: number) {
  const path = displayPath(storage, stored);
  let text: string;
  try {
    text = await storage.readText(stored, { maxBytes: maxManifestBytes });
  } catch (error) {
    if (isDtrnError(error) && /larger than allowed/.test(error.message)) {
      throw new DataError('the manifest is larger than allowed', {
        where: { file: path },
        expected: `at most ${maxManifestBytes} bytes (maxManifestBytes)`,
        found: error.found,
        cause: error,
      });
    }
    throw error;
  }
  return parseManifest(text, path, maxBytes);
}

function doesNotBuild(path: string, cause: unknown): DataError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new DataError(`the manifest's config or schema does not build a model: ${reason}`, {
    where: { file: path },
    cause,
  });
}

/**
 * The model's size from the config alone (no tensors), checked against `maxBytes` and against the
 * weights the manifest declares, before anything is built.
 */
function checkPlannedSize(
  config: ModelConfig,
  manifest: SavedModelManifest,
  path: string,
  maxBytes: number,
): void {
  const planned = configParameterCount(config);
  const bytes = 4 * (planned.dense + planned.embedding);
  const describe = (size: PlannedSize) =>
    `${size.dense} dense + ${size.embedding} embedding parameters (${4 * (size.dense + size.embedding)} bytes)`;
  if (bytes > maxBytes) {
    throw new DataError('the config describes a model larger than allowed', {
      where: { file: path },
      expected: `at most ${maxBytes} bytes of weights (maxBytes)`,
      found: describe(planned),
    });
  }
  const declared = { dense: 0, embedding: 0 };
  for (const weight of manifest.weights) {
    declared[weight.name.startsWith('embedding/') ? 'embedding' : 'dense'] += weight.byteLength / 4;
  }
  if (declared.dense !== planned.dense || declared.embedding !== planned.embedding) {
    throw new DataError("the manifest's weights do not match its config", {
      where: { file: path },
      expected: `${describe(planned)} for the config`,
      found: `${describe(declared)} declared`,
    });
  }
}

/** The manifest's schema and config resolved once (for the size check and the build). */
function manifestConfig(manifest: SavedModelManifest, path: string): ModelConfig {
  try {
    return resolveModelConfig(manifest.schema as DatasetSchema, manifest.config as ModelArgs<string>);
  } catch (cause) {
    throw doesNotBuild(path, cause);
  }
}

function build(config: ModelConfig, path: string): RecommenderModel {
  try {
    return buildModel(config);
  } catch (cause) {
    throw doesNotBuild(path, cause);
  }
}

/** Loads the model saved in `directory`. The caller disposes `result.model`. */
export async function loadModel(
  storage: Storage,
  directory: string,
  options: LoadModelOptions = {},
): Promise<LoadedModel> {
  const maxBytes = options.maxBytes ?? DEFAULT_LOAD_MODEL_OPTIONS.maxBytes;
  const maxManifestBytes = options.maxManifestBytes ?? DEFAULT_LOAD_MODEL_OPTIONS.maxManifestBytes;
  for (const [name, value] of [
    ['maxBytes', maxBytes],
    ['maxManifestBytes', maxManifestBytes],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ConfigError(`loadModel: options.${name} is invalid`, {
        expected: 'an integer >= 1',
        found: value,
      });
    }
  }
  const clean = directory.replace(/\/+$/, '');
  const manifestPath = displayPath(storage, `${clean}/${MANIFEST_FILE}`);
  const manifest = await readManifest(storage, `${clean}/${MANIFEST_FILE}`, maxManifestBytes, maxBytes);
  const config = manifestConfig(manifest, manifestPath);
  checkPlannedSize(config, manifest, manifestPath, maxBytes);
  const model = build(config, manifestPath);
  try {
    if (model.taskNames.join('\u0000') !== manifest.taskNames.join('\u0000')) {
      throw new DataError("taskNames differ from the schema's tasks", {
        where: { file: manifestPath },
        expected: model.taskNames.join(', '),
        found: manifest.taskNames.join(', '),
      });
    }
    const contents = new Map<string, Uint8Array>();
    for (const entry of manifest.files) {
      const path = displayPath(storage, `${clean}/${entry.name}`);
      // The storage checks the size before reading; the length check stays for storages that ignore it.
      const bytes = await storage.readFile(`${clean}/${entry.name}`, {
        expectedBytes: entry.byteLength,
        maxBytes,
      });
      if (bytes.length !== entry.byteLength) {
        throw new DataError(
          bytes.length < entry.byteLength ? 'the file is truncated' : 'the file is longer than declared',
          {
            where: { file: path },
            expected: `${entry.byteLength} bytes (manifest)`,
            found: bytes.length,
          },
        );
      }
      contents.set(entry.name, bytes);
    }
    const values = new Map<string, { shape: readonly number[]; values: Float32Array }>();
    for (const weight of manifest.weights) {
      const bytes = contents
        .get(weight.file)!
        .subarray(weight.byteOffset, weight.byteOffset + weight.byteLength);
      if (checksumOf(bytes) !== weight.checksum) {
        throw new DataError(`checksum mismatch for ${weight.name}`, {
          where: { file: displayPath(storage, `${clean}/${weight.file}`) },
          expected: weight.checksum,
          found: checksumOf(bytes),
        });
      }
      values.set(weight.name, { shape: weight.shape, values: bytesToFloat32(bytes) });
    }
    const dense: Record<string, { shape: readonly number[]; values: Float32Array }> = {};
    for (const [name, entry] of values)
      if (name.startsWith('dense/')) dense[name.slice('dense/'.length)] = entry;
    const weights = model.namedWeights();
    const tables = model.embeddingTables();
    const expectedCount = weights.length + tables.length;
    if (values.size !== expectedCount) {
      throw new DataError('the manifest lists other weights than the model has', {
        where: { file: manifestPath },
        expected: `${weights.length} dense weights and ${tables.length} embedding tables`,
        found: `${values.size} weights`,
      });
    }
    try {
      checkDenseState(weights, dense, 'loadModel');
    } catch (cause) {
      throw new DataError(`dense weights do not fit the model: ${(cause as Error).message}`, {
        where: { file: manifestPath },
        cause,
      });
    }
    for (const table of tables) {
      const entry = values.get(`embedding/${table.name}`);
      if (
        !entry ||
        entry.shape[0] !== table.rows ||
        entry.shape[1] !== table.dim ||
        entry.shape.length !== 2
      ) {
        throw new DataError(`embedding table ${table.name} does not fit the model`, {
          where: { file: manifestPath },
          expected: `shape [${table.rows}, ${table.dim}]`,
          found: entry ? `[${entry.shape.join(', ')}]` : 'nothing',
        });
      }
    }
    assignDenseState(weights, dense);
    for (const table of tables) table.write(values.get(`embedding/${table.name}`)!.values);
    return { model, vocabularies: manifest.vocabularies, manifest };
  } catch (error) {
    model.dispose();
    if (isDtrnError(error)) throw error;
    throw new DataError(`could not load the saved model: ${(error as Error).message}`, {
      where: { file: manifestPath },
      cause: error,
    });
  }
}
