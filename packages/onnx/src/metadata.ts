/**
 * The JSON written beside the graph: input and output names with their schema fields, and per id
 * space the raw-id vocabulary and OOV rule, so a caller in any language can turn raw ids into the
 * table rows the graph's int64 inputs expect.
 */
import { ConfigError } from '@dtrn/base';
import { type DatasetSchema, Vocabulary, type VocabularyJson } from '@dtrn/data';
import type { InputSpec } from './graph-inputs.js';

export const ONNX_EXPORT_FORMAT = 'dtrn.onnx-export';
export const ONNX_EXPORT_VERSION = 1;

/** How raw ids become rows (the same rule as @dtrn/data's `Vocabulary.lookup`). */
export const ID_MAPPING_RULE =
  'Row 0 is padding (never a real id). A known raw id (its canonical string: numbers as their decimal ' +
  'form) maps to row firstKnownRow + its index in `ids`. An unknown id maps by `oov`: "error" has no ' +
  'row (reject the input); "reserved" maps to row 1; "hash" maps to row firstKnownRow + len(ids) + ' +
  '(FNV-1a 32-bit of the UTF-8 bytes of the id, offset basis 0x811c9dc5, prime 0x01000193) mod ' +
  'hashBuckets. With `vocabulary: null` the inputs are already table rows in [1, rows).';

export interface ExportedInput {
  readonly name: string;
  readonly kind: 'sparse' | 'sequence' | 'dense';
  readonly dtype: 'int64' | 'float32';
  /** `batch` is the dynamic batch size. */
  readonly shape: readonly (number | string)[];
  readonly field: string;
  readonly idSpace?: string;
  readonly behavior?: string;
}

export interface ExportedOutput {
  readonly name: string;
  readonly task: string;
  readonly dtype: 'float32';
  readonly shape: readonly (number | string)[];
}

export interface ExportedIdSpace {
  readonly name: string;
  /** Rows of the embedding table (padding and OOV rows included). */
  readonly rows: number;
  readonly oov: 'error' | 'reserved' | 'hash';
  readonly hashBuckets?: number;
  /** Raw ids of rows firstKnownRow, firstKnownRow + 1, ...; null when the ids are already rows. */
  readonly vocabulary: { readonly firstKnownRow: number; readonly ids: readonly string[] } | null;
}

export interface OnnxExportMetadata {
  readonly format: typeof ONNX_EXPORT_FORMAT;
  readonly version: number;
  readonly producer: string;
  readonly opset: number;
  readonly irVersion: number;
  /** The ONNX file this JSON describes (set by `writeOnnxExport`; null before). */
  readonly graph: string | null;
  readonly tasks: readonly string[];
  readonly inputs: readonly ExportedInput[];
  readonly outputs: readonly ExportedOutput[];
  readonly idSpaces: readonly ExportedIdSpace[];
  readonly idMapping: string;
  /** Schema fields the model does not read (no input). */
  readonly excludedFields: readonly string[];
  /** The model's resolved `ModelArgs` (JSON). */
  readonly modelConfig: unknown;
}

export type VocabularyInput = Vocabulary | VocabularyJson;

/** Validated vocabularies by id space: each must belong to the schema and have its size. */
export function checkVocabularies(
  schema: DatasetSchema,
  vocabularies: Readonly<Record<string, VocabularyInput>> | null | undefined,
): Map<string, Vocabulary> {
  const checked = new Map<string, Vocabulary>();
  if (vocabularies === null || vocabularies === undefined) return checked;
  if (typeof vocabularies !== 'object' || Array.isArray(vocabularies)) {
    throw new ConfigError('exportOnnx: options.vocabularies must be an object keyed by id space', {
      expected: '{ [idSpace]: Vocabulary | VocabularyJson }',
      found: vocabularies,
    });
  }
  for (const [name, value] of Object.entries(vocabularies)) {
    const space = schema.idSpaces.find((s) => s.name === name);
    if (!space) {
      throw new ConfigError(`exportOnnx: options.vocabularies["${name}"] names no id space of the schema`, {
        expected: schema.idSpaces.map((s) => s.name).join(', '),
        found: name,
      });
    }
    const vocabulary =
      value instanceof Vocabulary ? value : Vocabulary.fromJSON(value, `options.vocabularies["${name}"]`);
    if (vocabulary.size !== space.size || vocabulary.oov !== space.oov) {
      throw new ConfigError(`exportOnnx: the vocabulary of "${name}" does not match the schema's id space`, {
        expected: `${space.size} rows, oov "${space.oov}"`,
        found: `${vocabulary.size} rows, oov "${vocabulary.oov}"`,
      });
    }
    checked.set(name, vocabulary);
  }
  return checked;
}

/** The id spaces the inputs read, with their vocabularies (when given). */
export function exportedIdSpaces(
  schema: DatasetSchema,
  inputs: readonly InputSpec[],
  vocabularies: ReadonlyMap<string, Vocabulary>,
): ExportedIdSpace[] {
  const used = new Set(inputs.map((input) => input.idSpace).filter((name) => name !== undefined));
  return schema.idSpaces
    .filter((space) => used.has(space.name))
    .map((space) => {
      const vocabulary = vocabularies.get(space.name);
      return {
        name: space.name,
        rows: space.size,
        oov: space.oov,
        ...(space.oov === 'hash' ? { hashBuckets: space.hashBuckets ?? 0 } : {}),
        vocabulary: vocabulary ? { firstKnownRow: vocabulary.firstKnownRow, ids: vocabulary.knownIds } : null,
      };
    });
}

export function exportedInput(spec: InputSpec): ExportedInput {
  return {
    name: spec.name,
    kind: spec.kind,
    dtype: spec.type,
    shape: [...spec.shape],
    field: spec.field,
    ...(spec.idSpace === undefined ? {} : { idSpace: spec.idSpace }),
    ...(spec.behavior === undefined ? {} : { behavior: spec.behavior }),
  };
}
