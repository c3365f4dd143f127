/** The main entry stays browser-safe: no Node built-ins outside src/node.ts (and tests). */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const sourceDirectory = fileURLToPath(new URL('.', import.meta.url));
const NODE_IMPORT = /from ['"](node:|fs['"]|path['"]|os['"]|worker_threads['"]|@dtrn\/core\/node)/;

describe('browser safety', () => {
  it('library sources import no Node built-ins and no Node entry points', () => {
    const files = readdirSync(sourceDirectory, { recursive: true, encoding: 'utf8' }).filter(
      (file) =>
        file.endsWith('.ts') &&
        !file.endsWith('.test.ts') &&
        !file.startsWith('testing/') &&
        file !== 'node.ts',
    );
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(`${sourceDirectory}/${file}`, 'utf8');
      expect(NODE_IMPORT.test(text), file).toBe(false);
      expect(/\bBuffer\.|\bprocess\./.test(text), file).toBe(false);
    }
  });

  it('the node entry re-exports the file storage', () => {
    expect(readFileSync(`${sourceDirectory}/node.ts`, 'utf8')).toMatch(NODE_IMPORT);
  });
});
