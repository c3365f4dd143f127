/**
 * Structural validation of a saved model's manifest: strict JSON (`parseJson`: no duplicate keys,
 * no `__proto__`), own properties only, no unknown keys; every problem is a DataError naming the file.
 */
import { closestMatch, DataError, parseJson } from '@dtrn/base';
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

const MANIFEST_KEYS = [
  'format',
  'formatVersion',
  'libraryVersion',
  'config',
  'schema',
  'taskNames',
  'vocabularies',
  'files',
  'weights',
];
const FILE_KEYS = ['name', 'byteLength'];
const WEIGHT_KEYS = ['name', 'file', 'dtype', 'shape', 'byteOffset', 'byteLength', 'checksum'];

/** Refuses keys outside `allowed` (naming the closest valid one), like the shard manifest does. */
function checkKeys(value: Record<string, unknown>, allowed: readonly string[], file: string, where: string) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      const closest = closestMatch(key, allowed);
      fail(
        file,
        `${where}: unknown key "${key}"${closest ? `; did you mean "${closest}"?` : ''}`,
        `only ${allowed.join(', ')}`,
        key,
      );
    }
  }
}

/** `value[key]` when it is an own property, else undefined (never the prototype chain's). */
function own(value: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(value, key) ? value[key] : undefined;
}

function checkByteCount(value: unknown, file: string, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(file, `${what} is invalid`, 'an integer >= 0', value);
  }
  return value;
}

/** Parses and checks the manifest text; `maxBytes` bounds the total size of the binaries. */
export function parseManifest(text: string, file: string, maxBytes: number): SavedModelManifest {
  const raw = parseJson(text, { file });
  if (!isObject(raw)) fail(file, 'the manifest is not an object', 'a JSON object', raw);
  checkKeys(raw, MANIFEST_KEYS, file, 'manifest');
  const format = own(raw, 'format');
  if (format !== SAVED_MODEL_FORMAT)
    fail(file, 'not a dtrn saved model', `format "${SAVED_MODEL_FORMAT}"`, format);
  const formatVersion = own(raw, 'formatVersion');
  if (formatVersion !== SAVED_MODEL_VERSION) {
    fail(file, 'unsupported saved-model version', `formatVersion ${SAVED_MODEL_VERSION}`, formatVersion);
  }
  const libraryVersion = own(raw, 'libraryVersion');
  if (typeof libraryVersion !== 'string')
    fail(file, 'libraryVersion is missing', 'a version string', libraryVersion);
  const config = own(raw, 'config');
  const schema = own(raw, 'schema');
  if (!isObject(config)) fail(file, 'config is missing', 'an object', config);
  if (!isObject(schema)) fail(file, 'schema is missing', 'an object', schema);
  const taskNames = own(raw, 'taskNames');
  if (!Array.isArray(taskNames) || taskNames.some((t) => typeof t !== 'string')) {
    fail(file, 'taskNames is invalid', 'an array of strings', taskNames);
  }
  const rawFiles = own(raw, 'files');
  const rawWeights = own(raw, 'weights');
  if (!Array.isArray(rawFiles)) fail(file, 'files is missing', 'an array', rawFiles);
  if (!Array.isArray(rawWeights)) fail(file, 'weights is missing', 'an array', rawWeights);
  const files = new Map<string, SavedFileEntry>();
  let total = 0;
  for (const [i, entry] of rawFiles.entries()) {
    const name = isObject(entry) ? own(entry, 'name') : undefined;
    if (!isObject(entry) || typeof name !== 'string' || !FILE_NAME.test(name) || files.has(name)) {
      fail(file, `files[${i}] is invalid`, 'a unique { name: "<name>.bin", byteLength }', entry);
    }
    checkKeys(entry, FILE_KEYS, file, `files[${i}]`);
    const byteLength = checkByteCount(own(entry, 'byteLength'), file, `files[${i}].byteLength`);
    total += byteLength;
    files.set(name, { name, byteLength });
  }
  if (total > maxBytes)
    fail(file, 'the saved model is larger than allowed', `at most ${maxBytes} bytes (maxBytes)`, total);
  const names = new Set<string>();
  const weights: SavedWeightEntry[] = rawWeights.map((entry: unknown, i: number) => {
    const where = `weights[${i}]`;
    const name = isObject(entry) ? own(entry, 'name') : undefined;
    if (!isObject(entry) || typeof name !== 'string' || names.has(name)) {
      fail(file, `${where} is invalid`, 'an object with a unique name', entry);
    }
    checkKeys(entry, WEIGHT_KEYS, file, where);
    names.add(name);
    const dtype = own(entry, 'dtype');
    if (dtype !== 'float32') fail(file, `${where} (${name}) has an unsupported dtype`, '"float32"', dtype);
    const fileName = own(entry, 'file');
    const target = typeof fileName === 'string' ? files.get(fileName) : undefined;
    if (!target) fail(file, `${where} (${name}) names an unlisted file`, 'a name in files', fileName);
    const shape = own(entry, 'shape');
    if (
      !Array.isArray(shape) ||
      shape.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
    ) {
      fail(file, `${where} (${name}) has an invalid shape`, 'an array of integers >= 0', shape);
    }
    const byteOffset = checkByteCount(own(entry, 'byteOffset'), file, `${where}.byteOffset`);
    const byteLength = checkByteCount(own(entry, 'byteLength'), file, `${where}.byteLength`);
    const elements = (shape as number[]).reduce((a, b) => a * b, 1);
    if (byteLength !== elements * 4) {
      fail(
        file,
        `${where} (${name}) byteLength does not match its shape`,
        `${elements * 4} (4 x [${shape.join(', ')}])`,
        byteLength,
      );
    }
    if (byteOffset % 4 !== 0 || byteOffset + byteLength > target.byteLength) {
      fail(
        file,
        `${where} (${name}) lies outside ${target.name}`,
        `a 4-aligned range within ${target.byteLength} bytes`,
        `[${byteOffset}, ${byteOffset + byteLength})`,
      );
    }
    const checksum = own(entry, 'checksum');
    if (typeof checksum !== 'string' || !/^[0-9a-f]{8}$/.test(checksum)) {
      fail(file, `${where} (${name}) has an invalid checksum`, '8 lowercase hex digits (xxHash32)', checksum);
    }
    return {
      name,
      file: target.name,
      dtype: 'float32',
      shape: shape as number[],
      byteOffset,
      byteLength,
      checksum,
    };
  });
  return {
    format: SAVED_MODEL_FORMAT,
    formatVersion: SAVED_MODEL_VERSION,
    libraryVersion,
    config,
    schema,
    taskNames: taskNames as string[],
    vocabularies: own(raw, 'vocabularies') ?? null,
    files: [...files.values()],
    weights,
  };
}
