/**
 * A dtrn `Batch` as the exported graph's inputs: plain typed arrays with their ONNX type and shape,
 * for any runtime (`new ort.Tensor(input.type, input.data, input.dims)` in onnxruntime-node/web).
 */
import { ConfigError } from '@dtrn/base';
import type { Batch, DatasetSchema } from '@dtrn/data';
import type { OnnxExportMetadata } from './metadata.js';

export interface OnnxInputTensor {
  readonly type: 'int64' | 'float32';
  readonly data: BigInt64Array | Float32Array;
  readonly dims: readonly number[];
}

/**
 * int32 ids widened to int64 without a BigInt per value: each int64 is written as its two
 * little-endian 32-bit words (low = the value, high = its sign extension).
 */
function int64(values: Int32Array): BigInt64Array {
  const out = new BigInt64Array(values.length);
  const words = new Int32Array(out.buffer);
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
    for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]!); // big-endian platform
    return out;
  }
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    words[2 * i] = value;
    words[2 * i + 1] = value < 0 ? -1 : 0;
  }
  return out;
}

function indexOf(names: readonly { name: string }[], name: string, what: string): number {
  const index = names.findIndex((item) => item.name === name);
  if (index < 0) {
    throw new ConfigError(`batchToOnnxInputs: the schema has no ${what} "${name}"`, {
      expected: 'the schema the model was exported with',
      found: name,
    });
  }
  return index;
}

/** The graph inputs of `batch` (mapped ids, schema order), by input name. */
export function batchToOnnxInputs(
  metadata: Pick<OnnxExportMetadata, 'inputs'>,
  schema: DatasetSchema,
  batch: Batch,
): Record<string, OnnxInputTensor> {
  const feeds: Record<string, OnnxInputTensor> = {};
  const B = batch.size;
  for (const input of metadata.inputs) {
    if (input.kind === 'sparse') {
      const column = batch.sparse[indexOf(schema.sparseFields, input.field, 'sparse field')]!;
      feeds[input.name] = { type: 'int64', data: int64(column), dims: [B] };
    } else if (input.kind === 'dense') {
      const column = batch.dense[indexOf(schema.denseFields, input.field, 'dense field')]!;
      feeds[input.name] = { type: 'float32', data: column, dims: [B] };
    } else {
      const sequences = schema.sequences;
      const m = indexOf(sequences?.behaviors ?? [], input.behavior!, 'behavior');
      const columns = batch.sequences[m]!;
      const values =
        input.field === 'item'
          ? columns.items
          : columns.sideFields[indexOf(sequences!.sideFields, input.field, 'sequence side field')]!;
      feeds[input.name] = { type: 'int64', data: int64(values), dims: [B, columns.maxLength] };
    }
  }
  return feeds;
}
