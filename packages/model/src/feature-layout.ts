/**
 * How a dataset schema becomes embedding tables and model inputs:
 * - a sequence element (and the target item) embeds as the concatenation of its item sub-embedding
 *   and one sub-embedding per side field: [item | side 1 | ... | side S], width d;
 * - every other sparse feature field embeds at d directly; every dense field is a learned d-vector
 *   scaled by its value;
 * - the group field (user id) and any `excludeFields` are not features.
 * Tables: one per id space at its first width; an id space used again at another width (e.g. a
 * standalone field over a side field's id space) gets its own table `<idSpace>.w<width>`.
 */
import { ConfigError, closestMatch } from '@dtrn/base';
import type { EmbeddingTableSpec } from '@dtrn/core';
import type { DatasetSchema } from '@dtrn/data';
import type { ResolvedModelArgs } from './model-args.js';

/** One sub-embedding of a composed element: its table, column offset and width in the element. */
export interface ElementPart {
  /** Side-field name, or `item`. */
  readonly name: string;
  readonly table: string;
  readonly offset: number;
  readonly width: number;
}

export interface StandaloneField {
  readonly name: string;
  /** Index into `batch.sparse`. */
  readonly sparseIndex: number;
  readonly table: string;
}

export interface TargetLayout {
  readonly name: string;
  /** Per element part, the index into `batch.sparse` of its column (null: no target side field, zeros). */
  readonly sparseIndices: readonly (number | null)[];
}

export interface FeatureLayout {
  readonly embeddingDim: number;
  readonly tables: readonly EmbeddingTableSpec[];
  readonly standaloneFields: readonly StandaloneField[];
  readonly denseFields: readonly { readonly name: string; readonly denseIndex: number }[];
  /** Present when the schema has sequences. */
  readonly target: TargetLayout | null;
  /** Item first, then side fields in schema order; empty without sequences. */
  readonly elementParts: readonly ElementPart[];
  readonly behaviors: readonly { readonly name: string; readonly maxLength: number }[];
  /** F field names: standalone sparse fields, the target, dense fields. */
  readonly featureFieldNames: readonly string[];
  /** N = F + M names: the feature fields then one interest per behavior. */
  readonly fieldNames: readonly string[];
  /** Fields left out (group field and `excludeFields`). */
  readonly excludedFields: readonly string[];
}

class TableRegistry {
  readonly specs: EmbeddingTableSpec[] = [];

  constructor(private readonly sizes: ReadonlyMap<string, number>) {}

  /** The table of `idSpace` at `width`, created on first use. */
  table(idSpace: string, width: number): string {
    const existing = this.specs.find((spec) => spec.name === idSpace);
    const name = !existing || existing.dim === width ? idSpace : `${idSpace}.w${width}`;
    if (!this.specs.some((spec) => spec.name === name)) {
      this.specs.push({ name, rows: this.sizes.get(idSpace)!, dim: width });
    }
    return name;
  }
}

function elementWidths(args: ResolvedModelArgs, numSideFields: number, where: string) {
  const d = args.embeddingDim;
  const sideFieldDim = args.sideFieldDim ?? Math.floor(d / (numSideFields + 1));
  const itemDim = d - numSideFields * sideFieldDim;
  if (numSideFields > 0 && (sideFieldDim < 1 || itemDim < 1)) {
    throw new ConfigError(`${where}: embeddingDim is too small for ${numSideFields} side fields`, {
      expected: `embeddingDim - ${numSideFields} * sideFieldDim >= 1 with sideFieldDim >= 1`,
      found: `embeddingDim ${d}, sideFieldDim ${sideFieldDim}`,
    });
  }
  return { sideFieldDim, itemDim };
}

/** Plans tables and inputs for `schema` under `args`. */
export function planFeatures(
  schema: DatasetSchema,
  args: ResolvedModelArgs,
  where = 'createModel',
): FeatureLayout {
  const d = args.embeddingDim;
  const sizes = new Map(schema.idSpaces.map((space) => [space.name, space.size]));
  const registry = new TableRegistry(sizes);
  const sparseNames = schema.sparseFields.map((field) => field.name);
  const allNames = [...sparseNames, ...schema.denseFields.map((field) => field.name)];
  const excluded = args.excludeFields ?? (schema.groupField ? [schema.groupField] : []);
  for (const name of excluded) {
    if (!allNames.includes(name)) {
      const match = closestMatch(name, allNames);
      throw new ConfigError(
        `${where}: excludeFields names an unknown field "${name}"${match ? `; did you mean "${match}"?` : ''}`,
        { expected: `one of ${allNames.join(', ')}`, found: name },
      );
    }
  }
  const sequences = schema.sequences;
  const elementParts: ElementPart[] = [];
  let target: TargetLayout | null = null;
  const targetFields = new Set<string>();
  if (sequences) {
    const { sideFieldDim, itemDim } = elementWidths(args, sequences.sideFields.length, where);
    elementParts.push({
      name: 'item',
      table: registry.table(sequences.itemIdSpace, itemDim),
      offset: 0,
      width: itemDim,
    });
    sequences.sideFields.forEach((side, s) => {
      elementParts.push({
        name: side.name,
        table: registry.table(side.idSpace, sideFieldDim),
        offset: itemDim + s * sideFieldDim,
        width: sideFieldDim,
      });
    });
    const targetNames = [sequences.targetField, ...(sequences.targetSideFields ?? [])];
    for (const name of targetNames) {
      if (excluded.includes(name)) {
        throw new ConfigError(`${where}: the target item's fields cannot be excluded`, {
          expected: `excludeFields without ${targetNames.join(', ')} (target attention needs them)`,
          found: name,
        });
      }
      targetFields.add(name);
    }
    target = {
      name: sequences.targetField,
      sparseIndices: elementParts.map((_, p) => {
        const name = targetNames[p];
        return name === undefined ? null : sparseNames.indexOf(name);
      }),
    };
  }
  const standaloneFields: StandaloneField[] = [];
  schema.sparseFields.forEach((field, sparseIndex) => {
    if (excluded.includes(field.name) || targetFields.has(field.name)) return;
    standaloneFields.push({ name: field.name, sparseIndex, table: registry.table(field.idSpace, d) });
  });
  const denseFields = schema.denseFields
    .map((field, denseIndex) => ({ name: field.name, denseIndex }))
    .filter((field) => !excluded.includes(field.name));
  const featureFieldNames = [
    ...standaloneFields.map((field) => field.name),
    ...(target ? [target.name] : []),
    ...denseFields.map((field) => field.name),
  ];
  const behaviors = (sequences?.behaviors ?? []).map((b) => ({ name: b.name, maxLength: b.maxLength }));
  if (featureFieldNames.length + behaviors.length === 0) {
    throw new ConfigError(`${where}: the model has no input`, {
      expected: 'at least one feature field or behavior sequence',
      found: `excludeFields ${JSON.stringify(excluded)}`,
    });
  }
  return {
    embeddingDim: d,
    tables: registry.specs,
    standaloneFields,
    denseFields,
    target,
    elementParts,
    behaviors,
    featureFieldNames,
    fieldNames: [...featureFieldNames, ...behaviors.map((b) => b.name)],
    excludedFields: [...excluded],
  };
}
