import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const NODE_ONLY = new Set(['node.ts', 'shard-files-node.ts', 'shard-reader-node.ts', 'shard-writer-node.ts']);
const here = new URL('.', import.meta.url);

/** Relative imports of a source file, and whether it imports a Node built-in. */
function importsOf(file: string): { relative: string[]; builtins: string[] } {
  const text = readFileSync(new URL(file, here), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1]!);
  return {
    relative: specifiers.filter((s) => s.startsWith('./')).map((s) => s.slice(2).replace(/\.js$/, '.ts')),
    builtins: specifiers.filter((s) => s.startsWith('node:') || ['fs', 'path', 'crypto', 'os'].includes(s)),
  };
}

describe('browser-safe entry', () => {
  it('index.ts reaches no Node built-in and no Node-only file', () => {
    const seen = new Set<string>();
    const pending = ['index.ts'];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      expect(NODE_ONLY.has(file), `${file} is Node-only but reachable from index.ts`).toBe(false);
      const { relative, builtins } = importsOf(file);
      expect(builtins, `${file} imports Node built-ins`).toEqual([]);
      pending.push(...relative);
    }
    const sources = readdirSync(here).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
    const unreachable = sources.filter((name) => !seen.has(name) && !NODE_ONLY.has(name));
    expect(unreachable).toEqual([]);
    expect(importsOf('shard-files-node.ts').builtins).toContain('node:fs/promises');
  });
});
