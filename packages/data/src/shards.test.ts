import { mkdtemp, readdir, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConfigError, isDataError } from '@dtrn/base';
import { afterAll, describe, expect, it } from 'vitest';
import { concatDatasets } from './concat-datasets.js';
import { listColumns } from './map-columns.js';
import { decodeShard, encodeShard, type ShardManifest, shardColumnsOf } from './shard-format.js';
import { iterateShards, readShardManifest, readShards } from './shard-reader-node.js';
import { ShardWriter, writeShards } from './shard-writer-node.js';
import { sliceRows, takeRows } from './take-rows.js';
import { rawTinySchema, tinyDataset } from './testing/index.js';
import type { DatasetSchema, InMemoryDataset } from './types.js';
import { validateDataset } from './validate-dataset.js';
import { xxhash32 } from './xxhash32.js';

const directories: string[] = [];
async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dtrn-shards-'));
  directories.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of directories) await rm(dir, { recursive: true, force: true });
});

const columnsOf = (ds: InMemoryDataset) =>
  listColumns(ds).map((ref) => [ref.path, ref.column.constructor.name, Array.from(ref.column)]);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('xxhash32', () => {
  it('matches the reference vectors, aligned or not', () => {
    const utf8 = (text: string) => new TextEncoder().encode(text);
    expect(xxhash32(utf8(''))).toBe(0x02cc5d05);
    expect(xxhash32(utf8('a'))).toBe(0x550d7456);
    expect(xxhash32(utf8('abc'))).toBe(0x32d153ff);
    expect(xxhash32(utf8('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
    const text = utf8('Nobody inspects the spammish repetition');
    const padded = new Uint8Array(text.length + 1);
    padded.set(text, 1);
    expect(xxhash32(padded.subarray(1))).toBe(0xe2293b2f);
    expect(xxhash32(utf8('abc'), 1)).not.toBe(0x32d153ff);
  });
});

describe('encodeShard / decodeShard', () => {
  it('round-trips in memory, aligned or not, and recomputes masks', () => {
    const ds = tinyDataset(9);
    const { bytes, entry } = encodeShard(ds);
    for (const column of entry.columns) expect(column.byteOffset % 8).toBe(0);
    expect(entry.columns.map((c) => c.path)).not.toContain('mask/conversion');
    const manifest = {
      schema: ds.schema,
      columns: shardColumnsOf(ds),
    } as unknown as ShardManifest;
    expect(columnsOf(decodeShard(bytes, entry, manifest))).toEqual(columnsOf(ds));
    const unaligned = new Uint8Array(bytes.byteLength + 3).subarray(3);
    unaligned.set(bytes);
    const decoded = decodeShard(unaligned, entry, manifest);
    expect(columnsOf(decoded)).toEqual(columnsOf(ds));
    validateDataset(decoded);
    const flipped = bytes.slice();
    flipped[5] = (flipped[5]! + 1) % 256;
    expect(() => decodeShard(flipped, entry, manifest, { file: 'x.bin' })).toThrow(
      'x.bin, field sparse/user_id: shard column "sparse/user_id" checksum mismatch',
    );
    expect(columnsOf(decodeShard(flipped, entry, manifest, { verifyChecksum: false }))).not.toEqual(
      columnsOf(ds),
    );
  });
});

describe('writeShards / readShards / iterateShards', () => {
  it('round-trips a dataset through shard files', async () => {
    const dir = await scratch();
    const ds = tinyDataset(23);
    const manifest = await writeShards(ds, dir, { rowsPerShard: 7, metadata: { loader: 'test' } });
    expect(manifest.shards.map((shard) => shard.rows)).toEqual([7, 7, 7, 2]);
    expect(await readShardManifest(dir)).toEqual(JSON.parse(JSON.stringify(manifest)));
    const files = await readdir(dir);
    expect(files.filter((name) => name.includes('.tmp-'))).toEqual([]);
    expect(files.length).toBe(5);
    const onDisk = new Uint8Array(await readFile(join(dir, manifest.shards[3]!.file)));
    const encoded = encodeShard(sliceRows(ds, 21, 23));
    expect(onDisk).toEqual(encoded.bytes);
    expect({ ...encoded.entry, file: manifest.shards[3]!.file }).toEqual(manifest.shards[3]);
    const read = await readShards(dir);
    expect(columnsOf(read)).toEqual(columnsOf(ds));
    expect(read.groups).toBe(read.sparse[0]);
    validateDataset(read);
    const parts: InMemoryDataset[] = [];
    for await (const part of iterateShards(dir)) parts.push(part);
    expect(parts.map((part) => part.size)).toEqual([7, 7, 7, 2]);
    expect(columnsOf(parts[1]!)).toEqual(columnsOf(sliceRows(ds, 7, 14)));
    expect(columnsOf(concatDatasets(parts))).toEqual(columnsOf(ds));
  });

  it('writes and reads an empty dataset', async () => {
    const dir = await scratch();
    const empty = sliceRows(tinyDataset(3), 0, 0);
    const manifest = await writeShards(empty, dir);
    expect(manifest.shards).toHaveLength(0);
    expect(manifest.columns.map((column) => column.path)).toContain('extra/oracle/click');
    const read = await readShards(dir);
    expect(read.size).toBe(0);
    expect(read.timestamps).toBeInstanceOf(Float64Array);
  });

  it('ShardWriter streams appends of any size into full shards, copying what it keeps', async () => {
    const dir = await scratch();
    const ds = tinyDataset(30);
    const writer = await ShardWriter.open(dir, ds.schema, { rowsPerShard: 7, metadata: { split: 'train' } });
    const chunks = [
      [0, 3],
      [3, 13],
      [13, 14],
      [14, 30],
    ] as const;
    for (const [start, end] of chunks) {
      const chunk = takeRows(
        ds,
        Array.from({ length: end - start }, (_, i) => start + i),
      );
      await writer.append(chunk);
      (chunk.labels[0] as Float32Array).fill(0); // the caller reuses its arrays
      chunk.sparse[1]!.fill(0);
    }
    expect(writer.rows).toBe(30);
    const manifest = await writer.close();
    expect(manifest.shards.map((shard) => shard.rows)).toEqual([7, 7, 7, 7, 2]);
    expect(manifest.metadata).toEqual({ split: 'train' });
    expect(columnsOf(await readShards(dir))).toEqual(columnsOf(ds));
    await expect(writer.append(ds)).rejects.toThrow('ShardWriter.append: the writer is closed');

    const other = await scratch();
    const strict = await ShardWriter.open(other, ds.schema, { rowsPerShard: 1 });
    await strict.append(sliceRows(ds, 0, 2));
    expect((await readdir(other)).length).toBe(2);
    const { timestamps: _t, ...untimed } = sliceRows(ds, 2, 4);
    await expect(strict.append(untimed)).rejects.toThrow(
      'the dataset has different columns than the first one',
    );
    const { schema: _s, ...rest } = ds;
    const renamed = { ...rest, schema: { ...ds.schema, groupField: 'item_id' } };
    await expect(strict.append(renamed)).rejects.toThrow(
      'the dataset has a different schema than the writer',
    );
    await strict.abort();
    expect(await readdir(other)).toEqual([]);
  });

  it('takes raw schemas (as loaders build them) and compares normalised forms', async () => {
    const ds = tinyDataset(12);
    // Raw: no denseFields default filled, tasks without sampleSpace, keys in another order.
    const { groupField, tasks, ...rest } = rawTinySchema() as Record<string, unknown>;
    const raw = { groupField, tasks, ...rest } as unknown as DatasetSchema;
    const rawData = { ...ds, schema: raw };
    const dir = await scratch();
    const manifest = await writeShards(rawData, dir, { rowsPerShard: 5 });
    expect(manifest.schema).toEqual(ds.schema);
    expect(columnsOf(await readShards(dir))).toEqual(columnsOf(ds));

    // Appends of raw and validated schemas mix; a real difference is named.
    const other = await scratch();
    const writer = await ShardWriter.open(other, raw, { rowsPerShard: 5 });
    await writer.append(sliceRows(rawData, 0, 6));
    await writer.append(sliceRows(ds, 6, 12));
    const renamed = { ...ds, schema: { ...raw, tasks: [{ name: 'click' }, { name: 'buy' }] } };
    const error = await rejection(writer.append(renamed as InMemoryDataset));
    expect(isConfigError(error)).toBe(true);
    expect(error.message).toContain('different schema than the writer');
    expect(error.message).toContain('a schema differing in tasks');
    expect((await writer.close()).rows).toBe(12);
    expect(columnsOf(await readShards(other))).toEqual(columnsOf(ds));

    const invalid = { ...ds, schema: { ...raw, groupField: 'nope' } } as unknown as InMemoryDataset;
    const openError = await rejection(ShardWriter.open(await scratch(), invalid.schema));
    expect(openError.message).toContain('ShardWriter.open: schema.groupField');
  });

  it('refuses to overwrite unless asked, and then removes the old shard files', async () => {
    const dir = await scratch();
    await writeShards(tinyDataset(10), dir, { rowsPerShard: 3 });
    const error = await rejection(writeShards(tinyDataset(10), dir));
    expect(isConfigError(error)).toBe(true);
    expect(error.message).toContain('manifest.json already exists');
    const replacement = tinyDataset(5, 9);
    await writeShards(replacement, dir, { overwrite: true });
    expect((await readdir(dir)).length).toBe(2);
    expect(columnsOf(await readShards(dir))).toEqual(columnsOf(replacement));
  });

  it('refuses truncated, corrupted and malformed files with a DataError naming the file', async () => {
    const dir = await scratch();
    const manifest = await writeShards(tinyDataset(12), dir, { rowsPerShard: 6 });
    const shardPath = join(dir, manifest.shards[1]!.file);
    const original = await readFile(shardPath);

    await truncate(shardPath, original.byteLength - 4);
    let error = await rejection(readShards(dir));
    expect(isDataError(error)).toBe(true);
    expect(error.message).toBe(
      `${shardPath}: the file is truncated (expected ${original.byteLength} bytes (declared), found ${original.byteLength - 4})`,
    );

    const corrupted = Buffer.from(original);
    const labelColumn = manifest.shards[1]!.columns.find((column) => column.path === 'label/click')!;
    corrupted[labelColumn.byteOffset + 2] = (corrupted[labelColumn.byteOffset + 2]! + 1) % 256;
    await writeFile(shardPath, corrupted);
    error = await rejection(readShards(dir));
    expect(error.message).toContain(
      `${shardPath}, field label/click: shard column "label/click" checksum mismatch`,
    );
    const streamed = rejection(
      (async () => {
        for await (const _part of iterateShards(dir)) {
          // consume
        }
      })(),
    );
    expect((await streamed).message).toContain('shard column "label/click" checksum mismatch');
    expect((await readShards(dir, { verifyChecksums: false })).size).toBe(12);
    await writeFile(shardPath, original);
    expect((await readShards(dir)).size).toBe(12);

    const manifestPath = join(dir, 'manifest.json');
    const text = await readFile(manifestPath, 'utf8');
    const rewrite = async (change: (json: Record<string, unknown>) => void) => {
      const json = JSON.parse(text) as Record<string, unknown>;
      change(json);
      await writeFile(manifestPath, JSON.stringify(json));
      const failure = await rejection(readShards(dir));
      expect(isDataError(failure)).toBe(true);
      return failure.message;
    };
    expect(await rewrite((json) => (json.version = 2))).toContain(`${manifestPath}: malformed`);
    expect(await rewrite((json) => (json.version = 2))).toContain(
      'manifest.version (this reader knows versions 1..1)',
    );
    expect(await rewrite((json) => (json.shard = []))).toContain(
      'unknown key "shard"; did you mean "shards"?',
    );
    expect(await rewrite((json) => (json.rows = 13))).toContain(
      'manifest.rows differs from the sum of shard rows',
    );
    expect(await rewrite((json) => (json.columns = (json.columns as unknown[]).slice(1)))).toContain(
      'manifest.columns do not match the schema',
    );
    expect(
      await rewrite((json) => {
        (json.shards as { file: string }[])[0]!.file = '../escape.bin';
      }),
    ).toContain('manifest.shards[0].file is invalid');
    expect(
      await rewrite((json) => {
        (json.schema as { tasks: unknown[] }).tasks = [];
      }),
    ).toContain('manifest.schema.tasks is invalid');
    await writeFile(manifestPath, text.slice(0, 50));
    expect((await rejection(readShards(dir))).message).toMatch(
      new RegExp(`^${manifestPath}:4:8: not valid JSON: Unterminated string`),
    );
    await rm(manifestPath);
    expect((await rejection(readShardManifest(dir))).message).toContain(`${manifestPath}: file not found`);
    await rm(shardPath);
    await writeFile(manifestPath, text);
    expect((await rejection(readShards(dir))).message).toContain(`${shardPath}: file not found`);
  });

  it('refuses shard files and manifests that are links out of the directory or not regular files', async () => {
    const dir = await scratch();
    const manifest = await writeShards(tinyDataset(12), dir, { rowsPerShard: 6 });
    const shardPath = join(dir, manifest.shards[0]!.file);
    const original = await readFile(shardPath);
    await rm(shardPath);
    await symlink('/dev/zero', shardPath);
    expect((await rejection(readShards(dir))).message).toContain(
      `${shardPath}: the file is a symbolic link to a place outside its directory; refused`,
    );
    const streamed = rejection(
      (async () => {
        for await (const _part of iterateShards(dir)) {
          // consume
        }
      })(),
    );
    expect((await streamed).message).toContain(`${shardPath}: the file is a symbolic link`);
    await rm(shardPath);
    await symlink('/etc/passwd', shardPath);
    expect((await rejection(readShards(dir))).message).toContain(`${shardPath}: the file is a symbolic link`);
    await rm(shardPath);
    await writeFile(shardPath, original);

    const outside = join(await scratch(), 'hostname');
    await writeFile(outside, 'outside-host-name\n');
    const manifestPath = join(dir, 'manifest.json');
    await rm(manifestPath);
    await symlink(outside, manifestPath);
    const error = await rejection(readShardManifest(dir));
    expect(error.message).toContain(`${manifestPath}: the file is a symbolic link`);
    expect(error.message).not.toContain('outside-host-name');
  });

  it('checks every shard file before allocating the rows the manifest declares', async () => {
    const dir = await scratch();
    const written = await writeShards(tinyDataset(12), dir, { rowsPerShard: 6 });
    const manifestPath = join(dir, 'manifest.json');
    const json = JSON.parse(await readFile(manifestPath, 'utf8')) as ShardManifest & { rows: number };
    // A tampered manifest that declares 2^40 rows in one shard: refused by the layout/size checks,
    // not by an allocation of 2^40 rows.
    const huge = 2 ** 40;
    const shards = [{ ...written.shards[0]!, rows: huge }];
    await writeFile(manifestPath, JSON.stringify({ ...json, rows: huge, shards }));
    const error = await rejection(readShards(dir));
    expect(isDataError(error)).toBe(true);
    expect(error.message).toContain('has an invalid layout');
  });

  it('validates the dataset and its arguments before writing', async () => {
    const dir = await scratch();
    const bad = tinyDataset(4);
    (bad.labels[0] as Float32Array)[0] = 3;
    expect(isDataError(await rejection(writeShards(bad, dir)))).toBe(true);
    expect((await rejection(writeShards(tinyDataset(4), dir, { rowsPerShard: 0 }))).message).toContain(
      'WriteShardsArgs.rowsPerShard is invalid',
    );
    expect((await readdir(dir)).length).toBe(0);
  });
});
