/** Strict config validation: unknown keys name the closest valid key; rules give clear errors. */
import { ConfigError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { resolveTableConfig } from '../src/config/resolve-config.js';

const base = {
  file: 'data.csv',
  fields: [
    { name: 'item', type: 'categorical' },
    { name: 'price', type: 'numeric', transform: 'standardize' },
  ],
  tasks: [{ name: 'click', positive: ['1'] }],
};

function resolve(overrides: Record<string, unknown>) {
  return resolveTableConfig({ ...base, ...overrides }, '/data/dataset.yaml');
}

function message(overrides: Record<string, unknown>): string {
  try {
    resolve(overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveTableConfig', () => {
  it('fills the defaults and resolves paths against the config file', () => {
    const config = resolve({});
    expect(config.name).toBe('dataset');
    expect(config.sources).toMatchObject({ kind: 'file', file: { paths: ['/data/data.csv'] } });
    expect(config.sources.kind === 'file' && config.sources.file.read).toEqual({
      format: 'csv',
      header: true,
      columns: undefined,
      delimiter: ',',
      skipRows: 0,
      nullValues: [''],
    });
    expect(config.split).toEqual({ rule: { kind: 'random' }, validation: 0.1, test: 0.1, seed: 0 });
    expect(config.idSpaces).toEqual([
      { name: 'item', minFrequency: 1, oov: 'reserved', hashBuckets: undefined },
    ]);
    expect(config).toMatchObject({ badInput: 'error', labels: 'lenient', limitRows: undefined });
  });

  it('names the closest valid key for unknown keys at every level', () => {
    expect(message({ taks: [] })).toContain('unknown key "taks"; did you mean "tasks"?');
    expect(message({ fields: [{ name: 'x', type: 'numeric', tranform: 'log1p' }] })).toContain(
      'dataset config.fields[0]: unknown key "tranform"; did you mean "transform"?',
    );
    expect(message({ split: { by: 'random', valdation: 0.1 } })).toContain('did you mean "validation"?');
    expect(message({ duckdb: { memorylimit: '1GB' } })).toContain('did you mean "memoryLimit"?');
  });

  it('rejects bad values with the key path', () => {
    expect(message({ badInput: 'skipp' })).toContain(
      'dataset config.badInput is invalid; did you mean "skip"?',
    );
    expect(message({ fields: [{ name: 'x', type: 'numerical' }] })).toContain('did you mean "numeric"?');
    expect(message({ split: { validation: 0.5, test: 0.5 } })).toContain('validation + test must leave rows');
    expect(message({ duckdb: { memoryLimit: 'lots' } })).toContain('memoryLimit is invalid');
    expect(message({ file: 'data.xlsx' })).toContain('cannot tell the format');
  });

  it('checks the rules between keys', () => {
    expect(message({ files: { train: 'a.csv', test: 'b.csv' } })).toContain('either "file"');
    expect(message({ tasks: [{ name: 'click', positive: ['1'], threshold: 0.5 }] })).toContain(
      'either positive',
    );
    expect(message({ labels: 'strict' })).toContain('labels "strict" needs the negative values');
    expect(message({ tasks: [{ name: 'a', threshold: 1, sampleSpace: 'b' }] })).toContain(
      'unknown earlier task "b"',
    );
    expect(
      message({ fields: [{ name: 'item', type: 'categorical', oov: 'hash' }], tasks: base.tasks }),
    ).toContain('needs hashBuckets');
    expect(
      message({
        fields: [
          { name: 'a', type: 'categorical', idSpace: 's', minFrequency: 2 },
          { name: 'b', type: 'categorical', idSpace: 's', minFrequency: 3 },
        ],
      }),
    ).toContain('already has minFrequency 2');
    expect(message({ fields: [{ name: 'p', type: 'numeric', oov: 'error' }] })).toContain(
      'applies to categorical fields only',
    );
    expect(message({ header: false })).toContain('no columns are named');
    expect(
      message({ sequences: { target: 'price', behaviors: [{ name: 'c', column: 'h', maxLength: 5 }] } }),
    ).toContain('unknown categorical field "price"');
    expect(
      message({
        fields: [{ name: 'item', type: 'categorical', oov: 'error' }],
        sequences: {
          target: 'item',
          time: 'ts',
          events: { file: 'e.csv', user: 'u', item: 'i', behavior: 'b', time: 't' },
          behaviors: [{ name: 'click', maxLength: 5 }],
        },
      }),
    ).toContain('oov "error"');
  });

  it('reads split rules, files per split and the event log', () => {
    expect(resolve({ split: { by: 'user_id' } }).split?.rule).toEqual({ kind: 'column', column: 'user_id' });
    expect(resolve({ split: { by: { time: 'ts' }, test: 0.3 } }).split).toMatchObject({
      rule: { kind: 'time', column: 'ts' },
      test: 0.3,
    });
    const files = resolveTableConfig(
      { ...base, file: undefined, files: { train: 'tr/*.parquet', test: 'te.parquet' } },
      '/d/x.yml',
    );
    expect(files.sources).toMatchObject({
      kind: 'files',
      train: { paths: ['/d/tr/*.parquet'], read: { format: 'parquet' } },
    });
    expect(files.split).toEqual({ rule: { kind: 'random' }, validation: 0.1, test: 0, seed: 0 });
    const events = resolve({
      sequences: {
        target: 'item',
        time: 'ts',
        events: { file: 'ev.tsv.gz', user: 'u', item: 'i', behavior: 'b', time: 't' },
        behaviors: [{ name: 'click', maxLength: 50, behavior: 'pv' }],
      },
    }).sequences;
    expect(events).toMatchObject({
      kind: 'events',
      idSpace: 'item',
      user: 'u',
      events: { files: { paths: ['/data/ev.tsv.gz'], read: { format: 'tsv', delimiter: '\t' } } },
      behaviors: [{ name: 'click', maxLength: 50, value: 'pv' }],
    });
  });
});
