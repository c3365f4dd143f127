import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from './errors.js';
import { openFileWithin, readFileWithin, readTextWithin, readUserText } from './node-files.js';

const scratch = mkdtempSync(join(tmpdir(), 'dtrn-files-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function freshRoot(): string {
  const root = mkdtempSync(join(scratch, 'root-'));
  writeFileSync(join(root, 'inside.txt'), 'inside');
  return root;
}

const LIMIT = { maxBytes: 1 << 20 };

describe('readFileWithin', () => {
  it('reads regular files inside the root, and links that stay inside it', async () => {
    const root = freshRoot();
    mkdirSync(join(root, 'sub'));
    symlinkSync('../inside.txt', join(root, 'sub', 'link.txt'));
    expect(await readTextWithin(root, 'inside.txt', LIMIT)).toBe('inside');
    expect(await readTextWithin(root, 'sub/link.txt', LIMIT)).toBe('inside');
    expect(
      Array.from(await readFileWithin(root, 'inside.txt', { maxBytes: 6, expectedBytes: 6 })),
    ).toHaveLength(6);
    // A root reached through a link is fine: the user chose it.
    const alias = join(scratch, `alias-${Date.now()}`);
    symlinkSync(root, alias);
    expect(await readTextWithin(alias, 'inside.txt', LIMIT)).toBe('inside');
  });

  it('refuses a link to /dev/zero before reading (no unbounded read)', async () => {
    const root = freshRoot();
    symlinkSync('/dev/zero', join(root, 'dense.bin'));
    const error = await readFileWithin(root, 'dense.bin', { maxBytes: 2 ** 33, expectedBytes: 400 }).catch(
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toContain(
      'dense.bin: the file is a symbolic link to a place outside its directory',
    );
  });

  it('refuses non-regular files inside the root: devices, FIFOs, directories', async () => {
    const root = freshRoot();
    mkdirSync(join(root, 'dir.bin'));
    execFileSync('mkfifo', [join(root, 'fifo.bin')]);
    await expect(readFileWithin(root, 'dir.bin', LIMIT)).rejects.toThrow(
      'dir.bin: not a regular file (a directory)',
    );
    // Opening a FIFO for reading would block until a writer comes; the reader must not hang.
    await expect(readFileWithin(root, 'fifo.bin', LIMIT)).rejects.toThrow(
      'fifo.bin: not a regular file (a FIFO)',
    );
    await expect(readFileWithin('/dev', 'zero', LIMIT)).rejects.toThrow(
      '/dev/zero: not a regular file (a character device)',
    );
  });

  it('refuses a link to a file outside the root and never shows its contents', async () => {
    const root = freshRoot();
    const secret = join(scratch, 'secret.txt');
    writeFileSync(secret, 'TOP-SECRET-CONTENT');
    symlinkSync(secret, join(root, 'manifest.json'));
    symlinkSync('/etc/passwd', join(root, 'passwd.bin'));
    const error = (await readTextWithin(root, 'manifest.json', LIMIT).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toContain(
      'manifest.json: the file is a symbolic link to a place outside its directory',
    );
    expect(error.message).not.toContain('TOP-SECRET');
    await expect(readFileWithin(root, 'passwd.bin', LIMIT)).rejects.toThrow(
      /passwd\.bin: the file is a symbolic link/,
    );
    await expect(readFileWithin(root, '../secret.txt', LIMIT)).rejects.toThrow(
      'the path leads outside its directory',
    );
    await expect(readFileWithin(root, secret, LIMIT)).rejects.toThrow('the path leads outside its directory');
  });

  it('checks the size against the declared size and the limit before reading', async () => {
    const root = freshRoot();
    writeFileSync(join(root, 'w.bin'), new Uint8Array(100));
    await expect(readFileWithin(root, 'w.bin', { maxBytes: 1000, expectedBytes: 120 })).rejects.toThrow(
      'w.bin: the file is truncated (expected 120 bytes (declared), found 100)',
    );
    await expect(readFileWithin(root, 'w.bin', { maxBytes: 1000, expectedBytes: 80 })).rejects.toThrow(
      'the file is longer than declared',
    );
    await expect(readFileWithin(root, 'w.bin', { maxBytes: 99 })).rejects.toThrow(
      'w.bin: the file is larger than allowed (expected at most 99 bytes, found 100)',
    );
    await expect(readFileWithin(root, 'missing.bin', LIMIT)).rejects.toThrow('missing.bin: file not found');
    const opened = await openFileWithin(root, 'w.bin', { maxBytes: 100 });
    expect(opened.size).toBe(100);
    await opened.handle.close();
  });

  it('names the file when it is not UTF-8', async () => {
    const root = freshRoot();
    writeFileSync(join(root, 'bad.txt'), new Uint8Array([0xff, 0xfe, 0x41]));
    await expect(readTextWithin(root, 'bad.txt', LIMIT)).rejects.toThrow(
      /bad\.txt: the file is not valid UTF-8/,
    );
  });
});

describe('readUserText', () => {
  it('follows links the user named, but still needs a regular file within the limit', async () => {
    const root = freshRoot();
    symlinkSync(join(root, 'inside.txt'), join(root, 'config.json'));
    expect(await readUserText(join(root, 'config.json'), LIMIT)).toBe('inside');
    await expect(readUserText('/dev/zero', LIMIT)).rejects.toThrow('not a regular file (a character device)');
    await expect(readUserText(join(root, 'inside.txt'), { maxBytes: 3 })).rejects.toThrow(
      'larger than allowed',
    );
  });
});
