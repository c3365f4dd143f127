/**
 * The data's schema against the model's: every field, behaviour and side field the model reads
 * must be in the data, in the same id space with the same number of rows (same maxLength for a
 * behaviour). A mismatch is a ConfigError naming the missing or different field. The model's
 * batches are then views of the data's columns in the model's order (extra data columns are
 * ignored; labels are zeros: scoring does not read them).
 */
import { ConfigError } from '@dtrn/base';
import type { Batch, DatasetSchema } from '@dtrn/data';

export interface SchemaAlignment {
  /** The model's batch over a data batch's columns (no copy). */
  toModelBatch(data: Batch): Batch;
}

function indexByName(list: readonly { name: string }[], name: string): number {
  return list.findIndex((item) => item.name === name);
}

function idSpaceRows(schema: DatasetSchema, space: string): number | undefined {
  return schema.idSpaces.find((s) => s.name === space)?.size;
}

export function alignSchema(model: DatasetSchema, data: DatasetSchema, source: string): SchemaAlignment {
  const missing = (what: string, name: string, available: readonly { name: string }[]) =>
    new ConfigError(`the data has no ${what} "${name}", which the model reads (data: ${source})`, {
      expected: `a ${what} "${name}"`,
      found: `${what}s: ${available.map((f) => f.name).join(', ') || 'none'}`,
    });
  const checkSpace = (field: string, modelSpace: string, dataSpace: string) => {
    const modelRows = idSpaceRows(model, modelSpace);
    const dataRows = idSpaceRows(data, dataSpace);
    if (modelSpace !== dataSpace || modelRows !== dataRows) {
      throw new ConfigError(`field "${field}" does not match the model's (data: ${source})`, {
        expected: `id space "${modelSpace}" with ${modelRows} rows (the model's)`,
        found: `id space "${dataSpace}" with ${dataRows} rows`,
      });
    }
  };
  const sparse = model.sparseFields.map((field) => {
    const index = indexByName(data.sparseFields, field.name);
    if (index < 0) throw missing('sparse field', field.name, data.sparseFields);
    checkSpace(field.name, field.idSpace, data.sparseFields[index]!.idSpace);
    return index;
  });
  const dense = model.denseFields.map((field) => {
    const index = indexByName(data.denseFields, field.name);
    if (index < 0) throw missing('dense field', field.name, data.denseFields);
    return index;
  });
  const modelSequences = model.sequences;
  const sequences = (modelSequences?.behaviors ?? []).map((behavior) => {
    const dataSequences = data.sequences;
    const index = indexByName(dataSequences?.behaviors ?? [], behavior.name);
    if (index < 0 || !dataSequences)
      throw missing('behaviour sequence', behavior.name, dataSequences?.behaviors ?? []);
    const found = dataSequences.behaviors[index]!.maxLength;
    if (found !== behavior.maxLength) {
      throw new ConfigError(
        `behaviour "${behavior.name}" has another length than the model's (data: ${source})`,
        {
          expected: `maxLength ${behavior.maxLength}`,
          found: `maxLength ${found}`,
        },
      );
    }
    checkSpace(`${behavior.name}/item`, modelSequences!.itemIdSpace, dataSequences.itemIdSpace);
    const sides = modelSequences!.sideFields.map((side) => {
      const s = indexByName(dataSequences.sideFields, side.name);
      if (s < 0) throw missing('sequence side field', side.name, dataSequences.sideFields);
      checkSpace(`${behavior.name}/${side.name}`, side.idSpace, dataSequences.sideFields[s]!.idSpace);
      return s;
    });
    return { index, sides };
  });
  return {
    toModelBatch(batch: Batch): Batch {
      const labels = new Float32Array(batch.size);
      return {
        size: batch.size,
        sparse: sparse.map((i) => batch.sparse[i]!),
        dense: dense.map((i) => batch.dense[i]!),
        sequences: sequences.map(({ index, sides }) => {
          const columns = batch.sequences[index]!;
          return {
            items: columns.items,
            sideFields: sides.map((s) => columns.sideFields[s]!),
            maxLength: columns.maxLength,
          };
        }),
        labels: model.tasks.map(() => labels),
        sampleMasks: model.tasks.map(() => undefined),
      };
    },
  };
}
