import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

  it('checks the size against the declared size and the limit before reading', async () => {
    const storage = create();
    await storage.writeFile('w.bin', new Uint8Array(100));
    expect((await storage.readFile('w.bin', { expectedBytes: 100, maxBytes: 100 })).length).toBe(100);
    await expect(storage.readFile('w.bin', { expectedBytes: 120 })).rejects.toThrow(
      /w\.bin: the file is truncated \(expected 120 bytes \(declared\), found 100\)/,
    );
    await expect(storage.readFile('w.bin', { expectedBytes: 99 })).rejects.toThrow('longer than declared');
    await expect(storage.readText('w.bin', { maxBytes: 10 })).rejects.toThrow(
      /w\.bin: the file is larger than allowed \(expected at most 10 bytes, found 100\)/,
    );
    await expect(storage.readFile('w.bin', { maxBytes: -1 })).rejects.toThrow('invalid file size limit');
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
    await expect(storage.readText('bad.txt')).rejects.toThrow(/bad\.txt: the file is not valid UTF-8/);
  });

  it('refuses links to /dev/zero and to files outside its root, before reading them', async () => {
    const root = mkdtempSync(join(scratch, 'links-'));
    const outside = join(scratch, 'hostname');
    writeFileSync(outside, 'secret-host-name\n');
    symlinkSync('/dev/zero', join(root, 'dense.bin'));
    symlinkSync('/etc/passwd', join(root, 'embedding-0.bin'));
    symlinkSync(outside, join(root, 'manifest.json'));
    const storage = new FileStorage(root);
    const started = performance.now();
    await expect(storage.readFile('dense.bin')).rejects.toThrow(
      /dense\.bin: the file is a symbolic link to a place outside its directory; refused \(expected a file inside .*, found "\/dev\/zero"\)/,
    );
    expect(performance.now() - started).toBeLessThan(5000); // refused, not read for ever
    await expect(storage.readFile('embedding-0.bin')).rejects.toThrow(
      /embedding-0\.bin: the file is a symbolic link/,
    );
    const error = (await storage.readText('manifest.json').catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/manifest\.json: the file is a symbolic link/);
    expect(error.message).not.toContain('secret-host-name');
    expect(await storage.exists('dense.bin')).toBe(true); // listed, but never read
  });
});
