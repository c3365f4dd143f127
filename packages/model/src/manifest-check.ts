/** Structural validation of a saved model's manifest: every problem is a DataError naming the file. */
import { DataError } from '@dtrn/base';
import {
  SAVED_MODEL_FORMAT,
  SAVED_MODEL_VERSION,
  type SavedFileEntry,
  type SavedModelManifest,
  type SavedWeightEntry,
} from './saved-model-format.js';

const FILE_NAME = /^[A-Za-z0-9_.-]+\.bin$/;

function fail(file: string, message: string, expected: string, found: unknown): never {
  throw new DataError(`${message}`, { where: { file }, expected, found });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkByteCount(value: unknown, file: string, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(file, `${what} is invalid`, 'an integer >= 0', value);
  }
  return value;
}

/** Parses and checks the manifest text; `maxBytes` bounds the total size of the binaries. */
export function parseManifest(text: string, file: string, maxBytes: number): SavedModelManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new DataError('the manifest is not valid JSON', { where: { file }, found: String(cause), cause });
  }
  if (!isObject(raw)) fail(file, 'the manifest is not an object', 'a JSON object', raw);
  if (raw.format !== SAVED_MODEL_FORMAT)
    fail(file, 'not a dtrn saved model', `format "${SAVED_MODEL_FORMAT}"`, raw.format);
  if (raw.formatVersion !== SAVED_MODEL_VERSION) {
    fail(file, 'unsupported saved-model version', `formatVersion ${SAVED_MODEL_VERSION}`, raw.formatVersion);
  }
  if (typeof raw.libraryVersion !== 'string')
    fail(file, 'libraryVersion is missing', 'a version string', raw.libraryVersion);
  for (const key of ['config', 'schema'] as const)
    if (!isObject(raw[key])) fail(file, `${key} is missing`, 'an object', raw[key]);
  if (!Array.isArray(raw.taskNames) || raw.taskNames.some((t) => typeof t !== 'string')) {
    fail(file, 'taskNames is invalid', 'an array of strings', raw.taskNames);
  }
  if (!Array.isArray(raw.files)) fail(file, 'files is missing', 'an array', raw.files);
  if (!Array.isArray(raw.weights)) fail(file, 'weights is missing', 'an array', raw.weights);
  const files = new Map<string, SavedFileEntry>();
  let total = 0;
  for (const [i, entry] of raw.files.entries()) {
    if (
      !isObject(entry) ||
      typeof entry.name !== 'string' ||
      !FILE_NAME.test(entry.name) ||
      files.has(entry.name)
    ) {
      fail(file, `files[${i}] is invalid`, 'a unique { name: "<name>.bin", byteLength }', entry);
    }
    const byteLength = checkByteCount(entry.byteLength, file, `files[${i}].byteLength`);
    total += byteLength;
    files.set(entry.name, { name: entry.name, byteLength });
  }
  if (total > maxBytes)
    fail(file, 'the saved model is larger than allowed', `at most ${maxBytes} bytes (maxBytes)`, total);
  const names = new Set<string>();
  const weights: SavedWeightEntry[] = raw.weights.map((entry: unknown, i: number) => {
    const where = `weights[${i}]`;
    if (!isObject(entry) || typeof entry.name !== 'string' || names.has(entry.name)) {
      fail(file, `${where} is invalid`, 'an object with a unique name', entry);
    }
    names.add(entry.name);
    if (entry.dtype !== 'float32')
      fail(file, `${where} (${entry.name}) has an unsupported dtype`, '"float32"', entry.dtype);
    const target = typeof entry.file === 'string' ? files.get(entry.file) : undefined;
    if (!target) fail(file, `${where} (${entry.name}) names an unlisted file`, 'a name in files', entry.file);
    const shape = entry.shape;
    if (
      !Array.isArray(shape) ||
      shape.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
    ) {
      fail(file, `${where} (${entry.name}) has an invalid shape`, 'an array of integers >= 0', shape);
    }
    const byteOffset = checkByteCount(entry.byteOffset, file, `${where}.byteOffset`);
    const byteLength = checkByteCount(entry.byteLength, file, `${where}.byteLength`);
    const elements = (shape as number[]).reduce((a, b) => a * b, 1);
    if (byteLength !== elements * 4) {
      fail(
        file,
        `${where} (${entry.name}) byteLength does not match its shape`,
        `${elements * 4} (4 x [${shape.join(', ')}])`,
        byteLength,
      );
    }
    if (byteOffset % 4 !== 0 || byteOffset + byteLength > target.byteLength) {
      fail(
        file,
        `${where} (${entry.name}) lies outside ${target.name}`,
        `a 4-aligned range within ${target.byteLength} bytes`,
        `[${byteOffset}, ${byteOffset + byteLength})`,
      );
    }
    if (typeof entry.checksum !== 'string' || !/^[0-9a-f]{8}$/.test(entry.checksum)) {
      fail(
        file,
        `${where} (${entry.name}) has an invalid checksum`,
        '8 lowercase hex digits (xxHash32)',
        entry.checksum,
      );
    }
    return {
      name: entry.name,
      file: target.name,
      dtype: 'float32',
      shape: shape as number[],
      byteOffset,
      byteLength,
      checksum: entry.checksum,
    };
  });
  return {
    format: SAVED_MODEL_FORMAT,
    formatVersion: SAVED_MODEL_VERSION,
    libraryVersion: raw.libraryVersion,
    config: raw.config,
    schema: raw.schema,
    taskNames: raw.taskNames as string[],
    vocabularies: raw.vocabularies ?? null,
    files: [...files.values()],
    weights,
  };
}
