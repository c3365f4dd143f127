import type { Batch, DatasetSchema } from '@dtrn/data';
import { describe, expect, it } from 'vitest';
import { batchToOnnxInputs } from './batch-inputs.js';
import type { OnnxExportMetadata } from './metadata.js';

describe('batchToOnnxInputs', () => {
  it('widens int32 ids to the same int64 values (sign included)', () => {
    const values = Int32Array.from([0, 1, 7, 123_456, 2 ** 31 - 1, -1, -(2 ** 31)]);
    const schema = {
      idSpaces: [{ name: 'a', size: 10, oov: 'error' }],
      sparseFields: [{ name: 'a', idSpace: 'a' }],
      denseFields: [],
      tasks: [{ name: 't' }],
    } as DatasetSchema;
    const batch = { size: values.length, sparse: [values], dense: [], sequences: [] } as unknown as Batch;
    const metadata = { inputs: [{ name: 'a', kind: 'sparse', field: 'a' }] } as unknown as OnnxExportMetadata;
    const input = batchToOnnxInputs(metadata, schema, batch).a!;
    expect(input.type).toBe('int64');
    expect(Array.from(input.data as BigInt64Array)).toEqual(Array.from(values, (v) => BigInt(v)));
  });
});
