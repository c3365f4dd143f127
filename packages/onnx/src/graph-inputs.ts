/**
 * The graph's inputs, named after the schema, and what `prepare(batch)` makes of them:
 *
 * - one int64 `[batch]` tensor per sparse field the model reads (standalone fields, the target item
 *   and its side fields), named after the field;
 * - per behavior, one int64 `[batch, L]` tensor of item ids named `<behavior>/item` (0 = padding,
 *   padding first, newest at L - 1) and one per sequence side field, `<behavior>/<side field>`;
 * - one float32 `[batch]` tensor per dense field, named after the field.
 *
 * Embedding lookups are `Gather`s from the tables (initializers); a sequence element and the target
 * are `[item | side 1 | ... | side S]`, a missing target side field is zeros (as in @dtrn/model).
 */
import type { DatasetSchema } from '@dtrn/data';
import type { FeatureLayout } from '@dtrn/model';
import type { GraphBuilder, ValueInfo } from './graph-builder.js';
import { concat, reshape } from './ops.js';
import type { WeightReader } from './weights.js';

export const BATCH_DIMENSION = 'batch';

/** A graph input and where it comes from in the schema. */
export interface InputSpec extends ValueInfo {
  readonly kind: 'sparse' | 'sequence' | 'dense';
  /** The schema field (sparse, dense, or the sequence side field; `item` for sequence items). */
  readonly field: string;
  /** Id space of sparse and sequence inputs. */
  readonly idSpace?: string;
  /** Behavior of sequence inputs. */
  readonly behavior?: string;
}

/** The graph inputs a model with `layout` reads, in order: sparse, sequences, dense. */
export function inputSpecs(schema: DatasetSchema, layout: FeatureLayout): InputSpec[] {
  const targetIndices = new Set((layout.target?.sparseIndices ?? []).filter((i): i is number => i !== null));
  const standalone = new Set(layout.standaloneFields.map((field) => field.sparseIndex));
  const specs: InputSpec[] = [];
  schema.sparseFields.forEach((field, index) => {
    if (!standalone.has(index) && !targetIndices.has(index)) return;
    specs.push({
      name: field.name,
      type: 'int64',
      shape: [BATCH_DIMENSION],
      kind: 'sparse',
      field: field.name,
      idSpace: field.idSpace,
    });
  });
  const sequences = schema.sequences;
  for (const behavior of layout.behaviors) {
    const parts = [
      { field: 'item', idSpace: sequences!.itemIdSpace },
      ...sequences!.sideFields.map((side) => ({ field: side.name, idSpace: side.idSpace })),
    ];
    for (const part of parts) {
      specs.push({
        name: `${behavior.name}/${part.field}`,
        type: 'int64',
        shape: [BATCH_DIMENSION, behavior.maxLength],
        kind: 'sequence',
        field: part.field,
        idSpace: part.idSpace,
        behavior: behavior.name,
      });
    }
  }
  for (const field of layout.denseFields) {
    specs.push({
      name: field.name,
      type: 'float32',
      shape: [BATCH_DIMENSION],
      kind: 'dense',
      field: field.name,
    });
  }
  return specs;
}

/** One behavior's embedded sequence and mask. */
export interface EmbeddedSequence {
  /** [B, L, d] element embeddings. */
  readonly elements: string;
  /** [B, L] float, 1 where the item id is not 0. */
  readonly mask: string;
  readonly length: number;
}

/** The embedded features of one model. */
export interface EmbeddedFeatures {
  /** The F feature fields as 2-D parts in bottom order: standalone fields, target, dense fields. */
  readonly parts: string[];
  /** [B, d] target element (null without sequences). */
  readonly target: string | null;
  readonly sequences: EmbeddedSequence[];
}

function gather(g: GraphBuilder, weights: WeightReader, table: string, ids: string): string {
  return g.node('Gather', [weights.use(`embedding/${table}`), ids], { axis: 0 }, `embedding/${table}`);
}

/** [B, width] zeros, B taken from `like` ([B] ids). */
function zerosLike(g: GraphBuilder, like: string, width: number): string {
  const shape = g.node('Concat', [g.node('Shape', [like]), g.intConstant([width])], { axis: 0 });
  return g.node('ConstantOfShape', [shape], {
    value: { tensor: { name: 'zero', type: 'float32', dims: [1], bytes: new Uint8Array(4) } },
  });
}

/** Embeds the graph inputs (declared beforehand with `inputSpecs`) as `prepare` does. */
export function embedInputs(
  g: GraphBuilder,
  weights: WeightReader,
  schema: DatasetSchema,
  layout: FeatureLayout,
): EmbeddedFeatures {
  const sparseName = (index: number) => schema.sparseFields[index]!.name;
  const parts = layout.standaloneFields.map((field) =>
    gather(g, weights, field.table, sparseName(field.sparseIndex)),
  ); // Fs x [B, d]
  let target: string | null = null;
  if (layout.target) {
    const targetIds = sparseName(layout.target.sparseIndices[0]!);
    const pieces = layout.elementParts.map((part, p) => {
      const index = layout.target!.sparseIndices[p];
      return index === null || index === undefined
        ? zerosLike(g, targetIds, part.width)
        : gather(g, weights, part.table, sparseName(index));
    }); // [B, width_p] each
    target = concat(g, pieces, 1); // [B, d]
    parts.push(target);
  }
  if (layout.denseFields.length > 0) {
    const vectors = weights.use('dense_fields/embedding'); // [Fd, d]
    layout.denseFields.forEach((field, j) => {
      const vector = g.node('Gather', [vectors, g.intConstant([j])], { axis: 0 }); // [1, d]
      parts.push(g.node('Mul', [reshape(g, field.name, [-1, 1]), vector])); // [B, d]
    });
  }
  const sequences = layout.behaviors.map((behavior) => {
    const pieces = layout.elementParts.map((part) =>
      gather(g, weights, part.table, `${behavior.name}/${part.name}`),
    ); // [B, L, width_p] each
    const items = `${behavior.name}/item`;
    const mask = g.node('Cast', [g.node('Not', [g.node('Equal', [items, g.intConstant([0])])])], {
      to: 1,
    }); // [B, L]
    return { elements: concat(g, pieces, 2), mask, length: behavior.maxLength };
  });
  return { parts, target, sequences };
}
