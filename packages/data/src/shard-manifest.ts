/** Strict validation of a shard manifest read from disk (DataError naming the manifest file). */
import { assertPlainObject, ConfigError, checkEnum, checkNumber, checkString } from '@dtrn/base';
import { createEmptyDataset } from './create-dataset.js';
import { asDataError, checkArray, checkObject, requireKey } from './schema-checks.js';
import {
  SHARD_FORMAT,
  SHARD_FORMAT_VERSION,
  type ShardColumnEntry,
  type ShardColumnSpec,
  type ShardEntry,
  type ShardManifest,
  shardColumnsOf,
} from './shard-format.js';
import { validateSchema } from './validate-schema.js';

const MANIFEST_KEYS = [
  'format',
  'version',
  'schema',
  'rows',
  'rowsPerShard',
  'columns',
  'shards',
  'metadata',
];
const SHARD_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function validateShardEntry(raw: unknown, where: string, columns: number): ShardEntry {
  const object = checkObject(raw, ['file', 'rows', 'byteLength', 'columns'], where);
  const file = checkString(requireKey(object, 'file', where), `${where}.file`, { pattern: SHARD_FILE });
  const rows = checkNumber(requireKey(object, 'rows', where), { integer: true, min: 0 }, `${where}.rows`);
  const byteLength = checkNumber(
    requireKey(object, 'byteLength', where),
    { integer: true, min: 0 },
    `${where}.byteLength`,
  );
  const entries = checkArray(requireKey(object, 'columns', where), `${where}.columns`, { allowEmpty: true });
  if (entries.length !== columns) {
    throw new ConfigError(`${where}.columns must list every manifest column`, {
      expected: `${columns} entries`,
      found: entries.length,
    });
  }
  const placed = entries.map((item, index): ShardColumnEntry => {
    const path = `${where}.columns[${index}]`;
    const column = checkObject(item, ['path', 'byteOffset', 'byteLength', 'checksum'], path);
    return {
      path: checkString(requireKey(column, 'path', path), `${path}.path`),
      byteOffset: checkNumber(
        requireKey(column, 'byteOffset', path),
        { integer: true, min: 0 },
        `${path}.byteOffset`,
      ),
      byteLength: checkNumber(
        requireKey(column, 'byteLength', path),
        { integer: true, min: 0 },
        `${path}.byteLength`,
      ),
      checksum: checkString(requireKey(column, 'checksum', path), `${path}.checksum`, {
        pattern: /^[0-9a-f]{8}$/,
      }),
    };
  });
  return { file, rows, byteLength, columns: placed };
}

/**
 * Validates a parsed manifest: format and version, the schema (strictly), the column list (exactly
 * the columns the schema implies, plus timestamps and extras), shard entries, and row totals.
 */
export function validateShardManifest(raw: unknown, file = 'manifest.json'): ShardManifest {
  return asDataError(file, () => {
    const where = 'manifest';
    const object = checkObject(raw, MANIFEST_KEYS, where);
    if (object.format !== SHARD_FORMAT) {
      throw new ConfigError(`${where}.format is invalid`, {
        expected: `"${SHARD_FORMAT}"`,
        found: object.format,
      });
    }
    checkNumber(
      requireKey(object, 'version', where),
      { integer: true, min: 1, max: SHARD_FORMAT_VERSION },
      `${where}.version (this reader knows versions 1..${SHARD_FORMAT_VERSION})`,
    );
    const schema = validateSchema(requireKey(object, 'schema', where), `${where}.schema`);
    const rows = checkNumber(requireKey(object, 'rows', where), { integer: true, min: 0 }, `${where}.rows`);
    const rowsPerShard = checkNumber(
      requireKey(object, 'rowsPerShard', where),
      { integer: true, min: 1 },
      `${where}.rowsPerShard`,
    );
    const columns = checkArray(requireKey(object, 'columns', where), `${where}.columns`).map(
      (item, index): ShardColumnSpec => {
        const path = `${where}.columns[${index}]`;
        const column = checkObject(item, ['path', 'dtype', 'width'], path);
        return {
          path: checkString(requireKey(column, 'path', path), `${path}.path`),
          dtype: checkEnum(
            requireKey(column, 'dtype', path),
            ['int32', 'float32', 'float64'],
            `${path}.dtype`,
          ),
          width: checkNumber(requireKey(column, 'width', path), { integer: true, min: 1 }, `${path}.width`),
        };
      },
    );
    const extras = columns
      .filter((c) => c.path.startsWith('extra/'))
      .map((c) => c.path.slice('extra/'.length));
    const timestamps = columns.some((c) => c.path === 'timestamps');
    const expected = shardColumnsOf(createEmptyDataset(schema, 0, { timestamps, extras }));
    const describe = (list: readonly ShardColumnSpec[]) =>
      list.map((c) => `${c.path}:${c.dtype}x${c.width}`).join(', ');
    if (describe(expected) !== describe(columns)) {
      throw new ConfigError(`${where}.columns do not match the schema`, {
        expected: describe(expected),
        found: describe(columns),
      });
    }
    const shards = checkArray(requireKey(object, 'shards', where), `${where}.shards`, {
      allowEmpty: true,
    }).map((item, index) => validateShardEntry(item, `${where}.shards[${index}]`, columns.length));
    const total = shards.reduce((sum, shard) => sum + shard.rows, 0);
    if (total !== rows) {
      throw new ConfigError(`${where}.rows differs from the sum of shard rows`, {
        expected: `${total}`,
        found: rows,
      });
    }
    const files = new Set(shards.map((shard) => shard.file));
    if (files.size !== shards.length) throw new ConfigError(`${where}.shards lists a file twice`);
    const metadata = object.metadata;
    if (metadata !== undefined) assertPlainObject(metadata, `${where}.metadata`);
    return {
      format: SHARD_FORMAT,
      version: object.version as number,
      schema,
      rows,
      rowsPerShard,
      columns,
      shards,
      ...(metadata ? { metadata } : {}),
    };
  });
}
