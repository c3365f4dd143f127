/**
 * The table config after validation: every default filled, every reference checked. The raw YAML or
 * JSON shape is documented key by key in the package README; `resolveTableConfig` turns one into this.
 */
import type { OovPolicy } from '@dtrn/data';

export type FileFormat = 'csv' | 'tsv' | 'jsonl' | 'parquet';
export const FILE_FORMATS: readonly FileFormat[] = ['csv', 'tsv', 'jsonl', 'parquet'];
export type SplitName = 'train' | 'validation' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'validation', 'test'];

/** How one file set is read. */
export interface ReadOptions {
  readonly format: FileFormat;
  readonly header: boolean;
  /** Column names in order when there is no header (CSV/TSV), or the columns to keep. */
  readonly columns: readonly string[] | undefined;
  readonly delimiter: string;
  readonly skipRows: number;
  readonly nullValues: readonly string[];
}

/** Absolute file paths or globs. */
export interface FileSet {
  readonly paths: readonly string[];
  readonly read: ReadOptions;
}

export type SplitRule =
  | { readonly kind: 'random' }
  | { readonly kind: 'column'; readonly column: string }
  | { readonly kind: 'time'; readonly column: string };

export interface SplitConfig {
  readonly rule: SplitRule;
  readonly validation: number;
  readonly test: number;
  readonly seed: number;
}

export type NumericTransform = 'none' | 'log1p' | 'standardize' | 'minmax' | 'buckets';
export const NUMERIC_TRANSFORMS: readonly NumericTransform[] = [
  'none',
  'log1p',
  'standardize',
  'minmax',
  'buckets',
];

export interface CategoricalField {
  readonly type: 'categorical';
  readonly name: string;
  readonly column: string;
  readonly idSpace: string;
}

export interface NumericField {
  readonly type: 'numeric';
  readonly name: string;
  readonly column: string;
  readonly transform: NumericTransform;
  /** Quantile buckets (transform `buckets`): a count, or explicit ascending boundaries. */
  readonly buckets: number | readonly number[];
  /** Value used where the column is null; undefined makes a null bad input. */
  readonly fill: number | undefined;
  /** Id space of the bucket ids (transform `buckets` only): the field's name. */
  readonly idSpace: string;
}

export type FieldConfig = CategoricalField | NumericField;

export interface IdSpaceConfig {
  readonly name: string;
  readonly minFrequency: number;
  readonly oov: OovPolicy;
  readonly hashBuckets: number | undefined;
}

export interface ListBehavior {
  readonly name: string;
  readonly maxLength: number;
  readonly column: string;
  readonly separator: string;
}

export interface EventBehavior {
  readonly name: string;
  readonly maxLength: number;
  /** The value of the event log's behaviour column that marks this behaviour. */
  readonly value: string;
}

export interface EventLogConfig {
  readonly files: FileSet;
  readonly user: string;
  readonly item: string;
  readonly behavior: string;
  readonly time: string;
}

export type SequencesConfig =
  | {
      readonly kind: 'list';
      readonly target: string;
      readonly idSpace: string;
      readonly behaviors: readonly ListBehavior[];
    }
  | {
      readonly kind: 'events';
      readonly target: string;
      readonly idSpace: string;
      readonly behaviors: readonly EventBehavior[];
      readonly events: EventLogConfig;
      /** The samples' user and time columns. */
      readonly user: string;
      readonly time: string;
    };

export interface TaskConfig {
  readonly name: string;
  readonly column: string;
  readonly positive: readonly string[] | undefined;
  readonly negative: readonly string[] | undefined;
  readonly threshold: number | undefined;
  readonly sampleSpace: string | undefined;
}

export interface DuckdbConfig {
  readonly memoryLimit: string | undefined;
  readonly tempDirectory: string | undefined;
  readonly threads: number | undefined;
}

export interface TableConfig {
  readonly name: string;
  /** Directory of the config file: relative paths were resolved against it. */
  readonly baseDir: string;
  /** Files per split, or one file set split by `split`. */
  readonly sources:
    | {
        readonly kind: 'files';
        readonly train: FileSet;
        readonly validation?: FileSet;
        readonly test: FileSet;
      }
    | { readonly kind: 'file'; readonly file: FileSet };
  /** How rows are split (`file`), or how validation is carved from train (`files` without validation). */
  readonly split: SplitConfig | undefined;
  readonly filter: string | undefined;
  readonly fields: readonly FieldConfig[];
  readonly idSpaces: readonly IdSpaceConfig[];
  readonly sequences: SequencesConfig | undefined;
  readonly tasks: readonly TaskConfig[];
  /** A categorical field (schema group field) or any column (an ordinal extra column). */
  readonly group: { readonly field: string } | { readonly column: string } | undefined;
  readonly badInput: 'error' | 'skip';
  readonly labels: 'strict' | 'lenient';
  readonly limitRows: number | undefined;
  readonly duckdb: DuckdbConfig;
}
