import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStorage } from './node-storage.js';
import { MemoryStorage, type Storage } from './storage.js';

const scratch = mkdtempSync(join(tmpdir(), 'dtrn-storage-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const implementations: [string, () => Storage][] = [
  ['MemoryStorage', () => new MemoryStorage()],
  ['FileStorage', () => new FileStorage(mkdtempSync(join(scratch, 'root-')))],
];

describe.each(implementations)('%s', (_name, create) => {
  it('writes, reads, lists and removes files', async () => {
    const storage = create();
    await storage.writeFile('run/a.json', '{"x":1}');
    await storage.writeFile('run/weights/w.bin', new Uint8Array([1, 2, 3]));
    expect(await storage.readText('run/a.json')).toBe('{"x":1}');
    expect(Array.from(await storage.readFile('run/weights/w.bin'))).toEqual([1, 2, 3]);
    expect(await storage.list('run')).toEqual(['a.json', 'weights']);
    expect(await storage.exists('run/weights')).toBe(true);
    expect(await storage.exists('run/nothing')).toBe(false);
    await storage.remove('run/weights');
    expect(await storage.list('run')).toEqual(['a.json']);
    await expect(storage.readFile('run/missing.bin')).rejects.toThrow('file not found');
    expect(await storage.list('absent')).toEqual([]);
  });

  it('replaces a directory with another in one step', async () => {
    const storage = create();
    await storage.writeFile('model/old.bin', 'old');
    await storage.writeFile('model.tmp/manifest.json', 'new');
    await storage.replaceDirectory('model.tmp', 'model');
    expect(await storage.list('model')).toEqual(['manifest.json']);
    expect(await storage.exists('model.tmp')).toBe(false);
    await storage.writeFile('fresh.tmp/x', 'y');
    await storage.replaceDirectory('fresh.tmp', 'fresh');
    expect(await storage.readText('fresh/x')).toBe('y');
  });
});

describe('FileStorage', () => {
  it('leaves no temporary files after writes and refuses paths outside its root', async () => {
    const root = mkdtempSync(join(scratch, 'atomic-'));
    const storage = new FileStorage(root);
    for (let i = 0; i < 5; i++) await storage.writeFile('c/state.json', JSON.stringify({ i }));
    expect(readdirSync(join(root, 'c'))).toEqual(['state.json']);
    expect(JSON.parse(await storage.readText('c/state.json'))).toEqual({ i: 4 });
    await expect(storage.writeFile('../escape.txt', 'x')).rejects.toThrow('path escapes the storage root');
  });

  it('names the file when content is not UTF-8', async () => {
    const storage = new FileStorage(mkdtempSync(join(scratch, 'utf-')));
    await storage.writeFile('bad.txt', new Uint8Array([0xff, 0xfe, 0x41]));
    await expect(storage.readText('bad.txt')).rejects.toThrow(/bad\.txt: file is not valid UTF-8/);
  });
});
