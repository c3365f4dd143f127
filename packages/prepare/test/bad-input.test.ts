/**
 * Bad input (DATA.md): under `badInput: error` a DataError names file, line, column, the value and
 * what was expected; under `skip` rows are counted by reason and read = used + skipped + filtered.
 * A failed preparation leaves nothing behind.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { prepareTable } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'dtrn-prepare-bad-'));

const GOOD = ['u1,a,1.5,1', 'u2,b,2.5,0', 'u3,a,3.5,1', 'u4,c,4.5,0', 'u5,b,5.5,1', 'u6,a,6.5,0'];

function config(file: string, extra: Record<string, unknown> = {}) {
  return {
    file,
    split: { by: 'user', validation: 0.2, test: 0.2 },
    fields: [
      { name: 'item', type: 'categorical' },
      { name: 'price', type: 'numeric' },
    ],
    tasks: [{ name: 'click', positive: ['1'], negative: ['0'] }],
    ...extra,
  };
}

async function prepare(name: string, text: string, extra: Record<string, unknown> = {}, ext = 'csv') {
  const file = join(root, `${name}.${ext}`);
  writeFileSync(file, text);
  const out = join(root, `out-${name}`);
  return {
    out,
    run: () => prepareTable(config(file, extra), { configPath: join(root, 'dataset.yaml'), out }),
  };
}

async function failure(run: () => Promise<unknown>): Promise<DataError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('expected a DataError');
}

const csv = (lines: string[]) =>
  `user,item,price,click\n${[...GOOD, ...lines, ...GOOD.map((l) => l.replace('u', 'v'))].join('\n')}\n`;

describe('bad input, error mode', () => {
  it('names file, line, column, value and what was expected', async () => {
    const cases: [string, string, string, string][] = [
      ['not-a-number', 'w1,a,abc,1', 'price', '"abc"'],
      ['not-finite', 'w1,a,inf,1', 'price', '"inf"'],
      ['overflow', 'w1,a,1e39,1', 'price', '"1e39"'],
      ['missing-label', 'w1,a,1.0,', 'click', 'null'],
      ['strict-label', 'w1,a,1.0,yes', 'click', '"yes"'],
    ];
    for (const [name, line, column, found] of cases) {
      const { out, run } = await prepare(name, csv([line]));
      const error = await failure(run);
      expect(error.message).toContain(`${name}.csv:8:${column}`);
      expect(error.message).toContain(`found ${found}`);
      expect(error.message).toContain('badInput: skip');
      expect(existsSync(out)).toBe(false);
    }
  });

  it('locates malformed CSV lines and JSON lines', async () => {
    const { out, run } = await prepare('columns', csv(['w1,a,1.0']));
    const error = await failure(run);
    expect(error.message).toMatch(/columns\.csv:8: malformed line/);
    expect(existsSync(out)).toBe(false);
    const rows = [...GOOD, ...GOOD.map((l) => l.replace('u', 'v'))].map((line) => {
      const [user, item, price, click] = line.split(',');
      return JSON.stringify({ user, item, price: Number(price), click: Number(click) });
    });
    rows.splice(3, 0, '{"user": "w1", "item": ');
    const json = await prepare('broken', `${rows.join('\n')}\n`, {}, 'jsonl');
    const jsonError = await failure(json.run);
    expect(jsonError.message).toContain('broken.jsonl:4');
    expect(jsonError.message).toContain('malformed line');
  });
});

describe('configuration the files cannot satisfy', () => {
  it('names a filter DuckDB cannot evaluate and a column the file lacks', async () => {
    const filtered = await prepare('bad-filter', csv([]), { filter: 'price >>> 3' });
    await expect(filtered.run()).rejects.toThrow(/dataset config.filter cannot be evaluated/);
    const missing = await prepare('missing-column', csv([]), {
      fields: [{ name: 'itme', type: 'categorical' }],
    });
    await expect(missing.run()).rejects.toThrow(
      /fields\[0\].column: no column "itme" .*did you mean "item"\?/,
    );
    expect(existsSync(missing.out)).toBe(false);
  });
});

describe('bad input, skip mode', () => {
  it('counts every skipped and filtered row by reason', async () => {
    const bad = ['w1,a,abc,1', 'w2,a,nan,0', 'w3,a,1.0,maybe', 'w4,a,1.0', 'w5,a,-3e40,1', 'w6,zz,9.5,0'];
    const { out, run } = await prepare('skip', csv(bad), { badInput: 'skip', filter: "item <> 'zz'" });
    const result = await run();
    const { rows, skipped, filtered } = result.report;
    let read = 0;
    for (const counts of Object.values(rows)) {
      expect(counts.read).toBe(counts.used + counts.skipped + counts.filtered);
      read += counts.read;
    }
    expect(read).toBe(GOOD.length * 2 + bad.length);
    expect(Object.fromEntries(skipped.map((s) => [s.reason, s.count]))).toEqual({
      'value is not a number': 1,
      'value is not finite': 1,
      'value overflows float32': 1,
      'label is neither positive nor negative': 1,
      'malformed line (missing columns)': 1,
    });
    expect(skipped.find((s) => s.reason === 'value is not a number')!.example).toContain(
      'skip.csv:8:price (found "abc")',
    );
    expect(filtered).toEqual([{ reason: 'filter', count: 1 }]);
    expect(result.rows.train + result.rows.validation + result.rows.test).toBe(GOOD.length * 2);
    expect(existsSync(join(out, 'prepare.json'))).toBe(true);
  });
});
