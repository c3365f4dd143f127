/**
 * The saved-model layout (documented in the README so it can be read without tfjs): a directory
 * with `manifest.json` and little-endian float32 binaries (`dense.bin`, `embedding-<i>.bin`).
 */
import { IS_LITTLE_ENDIAN, xxhash32 } from '@dtrn/data';

export const SAVED_MODEL_FORMAT = 'dtrn.saved-model';
export const SAVED_MODEL_VERSION = 1;
/** Version of @dtrn/model written into manifests (checked equal to package.json by a test). */
export const MODEL_LIBRARY_VERSION = '0.1.0';
export const MANIFEST_FILE = 'manifest.json';
export const DENSE_FILE = 'dense.bin';

export interface SavedFileEntry {
  /** File name inside the directory. */
  readonly name: string;
  readonly byteLength: number;
}

export interface SavedWeightEntry {
  /** `dense/<weight name>` or `embedding/<table name>`. */
  readonly name: string;
  readonly file: string;
  readonly dtype: 'float32';
  /** Dense weights: the variable's shape; embeddings: [rows, dim]. */
  readonly shape: readonly number[];
  readonly byteOffset: number;
  readonly byteLength: number;
  /** xxHash32 (seed 0) of the weight's bytes, 8 lowercase hex digits. */
  readonly checksum: string;
}

export interface SavedModelManifest {
  readonly format: typeof SAVED_MODEL_FORMAT;
  readonly formatVersion: number;
  readonly libraryVersion: string;
  /** `ModelArgs` JSON: `createModel(schema, config)` rebuilds the model. */
  readonly config: unknown;
  readonly schema: unknown;
  readonly taskNames: readonly string[];
  /** Opaque JSON from the caller (e.g. raw-id vocabularies), or null. */
  readonly vocabularies: unknown;
  readonly files: readonly SavedFileEntry[];
  readonly weights: readonly SavedWeightEntry[];
}

/** The bytes of `values`, little-endian. */
export function float32Bytes(values: Float32Array): Uint8Array {
  if (IS_LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return bytes;
}

/** Little-endian bytes as a new Float32Array. */
export function bytesToFloat32(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length / 4);
  if (IS_LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export function checksumOf(bytes: Uint8Array): string {
  return xxhash32(bytes).toString(16).padStart(8, '0');
}

export function embeddingFile(index: number): string {
  return `embedding-${index}.bin`;
}
