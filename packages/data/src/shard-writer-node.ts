/**
 * Node writer of prepared shards (layout in shard-format.ts). `ShardWriter` streams: append
 * datasets or batches of any size, full shards are written as they fill, and `close` writes the
 * manifest, so a loader never holds more than one shard of rows. Writes are atomic: every file is
 * written under a temporary name and renamed, shard names carry a per-write id, and the manifest is
 * renamed into place last, so a reader sees either the previous complete set or the new one; files
 * of the previous set are removed once the new manifest is in place.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, optionalBoolean, optionalNumber } from '@dtrn/base';
import { createEmptyDataset } from './create-dataset.js';
import { listColumns } from './map-columns.js';
import { checkObject } from './schema-checks.js';
import {
  fileExists,
  MANIFEST_FILE,
  randomHex,
  SHARD_FILE_PATTERN,
  writeAtomically,
} from './shard-files-node.js';
import {
  assertLittleEndian,
  planShard,
  SHARD_FORMAT,
  SHARD_FORMAT_VERSION,
  type ShardEntry,
  type ShardManifest,
  shardColumnsOf,
} from './shard-format.js';
import { sliceRows } from './take-rows.js';
import type { DatasetSchema, InMemoryDataset } from './types.js';
import { validateDataset } from './validate-dataset.js';
import { validateSchema } from './validate-schema.js';

export interface WriteShardsArgs {
  /** Rows per shard file. Integer >= 1, default 100,000. */
  readonly rowsPerShard?: number;
  /** Replace an existing shard set in `dir`. Default false (a ConfigError if one exists). */
  readonly overwrite?: boolean;
  /** Run `validateDataset` on every appended dataset. Default true. */
  readonly validate?: boolean;
  /** Free-form JSON provenance stored in the manifest (loader, sources, split, leakage report). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export const DEFAULT_WRITE_SHARDS_ARGS = Object.freeze({
  rowsPerShard: 100_000,
  overwrite: false,
  validate: true,
});

function resolveWriteArgs(args: WriteShardsArgs): Required<Omit<WriteShardsArgs, 'metadata'>> {
  const where = 'WriteShardsArgs';
  checkObject(args, ['rowsPerShard', 'overwrite', 'validate', 'metadata'], where);
  return {
    rowsPerShard: optionalNumber(
      args.rowsPerShard,
      DEFAULT_WRITE_SHARDS_ARGS.rowsPerShard,
      { integer: true, min: 1 },
      `${where}.rowsPerShard`,
    ),
    overwrite: optionalBoolean(args.overwrite, DEFAULT_WRITE_SHARDS_ARGS.overwrite, `${where}.overwrite`),
    validate: optionalBoolean(args.validate, DEFAULT_WRITE_SHARDS_ARGS.validate, `${where}.validate`),
  };
}

export class ShardWriter {
  readonly dir: string;
  readonly schema: DatasetSchema;
  private readonly args: Required<Omit<WriteShardsArgs, 'metadata'>>;
  private readonly metadata: Readonly<Record<string, unknown>> | undefined;
  private readonly writeId = randomHex(4);
  private readonly shards: ShardEntry[] = [];
  /** A 0-row dataset with the columns of the first append (timestamps, extras). */
  private template: InMemoryDataset | undefined;
  /** rowsPerShard rows collecting appended rows until a shard is full. */
  private buffer: InMemoryDataset | undefined;
  private pendingRows = 0;
  private columnKey: string | undefined;
  private closed = false;
  /** The normalised schema as JSON, and the schema objects already found equal to it. */
  private readonly schemaKey: string;
  private readonly acceptedSchemas = new WeakSet<DatasetSchema>();

  private constructor(dir: string, schema: DatasetSchema, args: WriteShardsArgs) {
    this.dir = dir;
    this.schema = schema;
    this.schemaKey = JSON.stringify(schema);
    this.acceptedSchemas.add(schema);
    this.args = resolveWriteArgs(args);
    this.metadata = args.metadata;
  }

  /**
   * Creates `dir` if needed and refuses an existing shard set unless `overwrite`. `schema` may be
   * raw (as a loader builds it): the writer validates it and keeps its normalised form.
   */
  static async open(dir: string, schema: DatasetSchema, args: WriteShardsArgs = {}): Promise<ShardWriter> {
    assertLittleEndian();
    const writer = new ShardWriter(dir, normaliseSchema(schema, 'ShardWriter.open: schema'), args);
    await mkdir(dir, { recursive: true });
    const manifestPath = join(dir, MANIFEST_FILE);
    if (!writer.args.overwrite && (await fileExists(manifestPath))) {
      throw new ConfigError(`writeShards: ${manifestPath} already exists`, {
        expected: 'an empty directory, or overwrite: true',
      });
    }
    return writer;
  }

  /** Rows appended so far. */
  get rows(): number {
    return this.shards.reduce((sum, shard) => sum + shard.rows, 0) + this.pendingRows;
  }

  /**
   * Appends all rows of `dataset` (same schema; the first append fixes the optional columns).
   * The rows are copied or written before this resolves, so the caller may reuse its arrays.
   */
  async append(dataset: InMemoryDataset): Promise<void> {
    if (this.closed) throw new ConfigError('ShardWriter.append: the writer is closed');
    this.checkSchema(dataset.schema);
    const key = shardColumnsOf(dataset)
      .map((column) => column.path)
      .join('\n');
    if (this.columnKey === undefined) {
      this.columnKey = key;
      this.template = createEmptyDataset(this.schema, 0, {
        timestamps: dataset.timestamps !== undefined,
        extras: Object.keys(dataset.extras ?? {}),
      });
    }
    if (key !== this.columnKey) {
      throw new ConfigError('ShardWriter.append: the dataset has different columns than the first one', {
        expected: this.columnKey.split('\n').join(', '),
        found: key.split('\n').join(', '),
      });
    }
    if (this.args.validate) validateDataset(dataset);
    const { rowsPerShard } = this.args;
    let start = 0;
    // Whole shards straight from the caller's arrays when nothing is pending (no copy).
    while (this.pendingRows === 0 && dataset.size - start >= rowsPerShard) {
      await this.writeShard(sliceRows(dataset, start, start + rowsPerShard));
      start += rowsPerShard;
    }
    while (start < dataset.size) {
      this.buffer ??= createEmptyDataset(this.schema, rowsPerShard, {
        timestamps: dataset.timestamps !== undefined,
        extras: Object.keys(dataset.extras ?? {}),
      });
      const count = Math.min(rowsPerShard - this.pendingRows, dataset.size - start);
      const sources = listColumns(dataset);
      for (const [index, target] of listColumns(this.buffer).entries()) {
        const { column, width } = sources[index]!;
        target.column.set(column.subarray(start * width, (start + count) * width), this.pendingRows * width);
      }
      this.pendingRows += count;
      start += count;
      if (this.pendingRows === rowsPerShard) await this.flush();
    }
  }

  /** Writes the last partial shard and the manifest; returns the manifest. */
  async close(): Promise<ShardManifest> {
    if (this.closed) throw new ConfigError('ShardWriter.close: the writer is already closed');
    await this.flush();
    this.closed = true;
    const columns = shardColumnsOf(this.template ?? createEmptyDataset(this.schema, 0));
    const manifest: ShardManifest = {
      format: SHARD_FORMAT,
      version: SHARD_FORMAT_VERSION,
      schema: this.schema,
      rows: this.rows,
      rowsPerShard: this.args.rowsPerShard,
      columns,
      shards: this.shards,
      ...(this.metadata ? { metadata: this.metadata } : {}),
    };
    await writeAtomically(join(this.dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
    const keep = new Set(this.shards.map((shard) => shard.file));
    for (const name of await readdir(this.dir)) {
      if (SHARD_FILE_PATTERN.test(name) && !keep.has(name)) await rm(join(this.dir, name), { force: true });
    }
    return manifest;
  }

  /** Removes the shard files written so far without touching an existing manifest. */
  async abort(): Promise<void> {
    this.closed = true;
    for (const shard of this.shards) await rm(join(this.dir, shard.file), { force: true });
  }

  /** Accepts a schema whose normalised form equals the writer's (raw or validated alike). */
  private checkSchema(schema: DatasetSchema): void {
    if (this.acceptedSchemas.has(schema)) return;
    const normalised = normaliseSchema(schema, 'ShardWriter.append: dataset.schema');
    if (JSON.stringify(normalised) !== this.schemaKey) {
      const mine = this.schema as unknown as Record<string, unknown>;
      const theirs = normalised as unknown as Record<string, unknown>;
      const differing = [...new Set([...Object.keys(mine), ...Object.keys(theirs)])].filter(
        (key) => JSON.stringify(mine[key]) !== JSON.stringify(theirs[key]),
      );
      throw new ConfigError('ShardWriter.append: the dataset has a different schema than the writer', {
        expected: "the schema the writer was opened with (the same after validateSchema's normalisation)",
        found: `a schema differing in ${differing.join(', ')}`,
      });
    }
    this.acceptedSchemas.add(schema);
  }

  private async flush(): Promise<void> {
    if (this.pendingRows === 0 || !this.buffer) return;
    await this.writeShard(sliceRows(this.buffer, 0, this.pendingRows));
    this.pendingRows = 0;
  }

  private async writeShard(rows: InMemoryDataset): Promise<void> {
    const { pieces, entry } = planShard(rows);
    const file = `shard-${String(this.shards.length).padStart(5, '0')}-${this.writeId}.bin`;
    await writeAtomically(join(this.dir, file), pieces);
    this.shards.push({ ...entry, file });
  }
}

/** `schema` validated and in canonical form (defaults filled in, keys in order), compared as JSON. */
function normaliseSchema(schema: DatasetSchema, where: string): DatasetSchema {
  return validateSchema(JSON.parse(JSON.stringify(schema)), where);
}

/**
 * Writes `dataset` to `dir` as shards plus a manifest; returns the manifest. The dataset's schema
 * may be raw (as a loader returns it); the manifest stores its normalised form.
 */
export async function writeShards(
  dataset: InMemoryDataset,
  dir: string,
  args: WriteShardsArgs = {},
): Promise<ShardManifest> {
  resolveWriteArgs(args);
  if (args.validate !== false) validateDataset(dataset);
  const writer = await ShardWriter.open(dir, dataset.schema, { ...args, validate: false });
  try {
    await writer.append(dataset);
    return await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
