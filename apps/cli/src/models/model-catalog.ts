/** What the app needs from a model library: named presets built from a dataset schema. */
import type { MultiTaskModel, Storage } from '@dtrn/core';
import type { Batch, DatasetSchema } from '@dtrn/data';

export interface CreateModelOptions {
  /** Base seed of the model's weights (the run's seed). */
  readonly seed: number;
  /** Settings over the preset (e.g. `{ embeddingDim: 32 }`), validated by the model library. */
  readonly overrides: Readonly<Record<string, unknown>>;
}

export interface ModelCatalog {
  /** Preset names, in display order. */
  readonly names: readonly string[];
  create(name: string, schema: DatasetSchema, options: CreateModelOptions): MultiTaskModel<Batch>;
  /**
   * Throws the ConfigError `create` would throw for this schema, without building the model (no
   * tensors): run for every model of a comparison before the first trains. Optional.
   */
  check?(name: string, schema: DatasetSchema, options: CreateModelOptions): void;
  /** The model a variant's gain is measured against (DTRN on head X against X), or null. */
  baseOf(name: string): string | null;
  /** One line about a preset for `--help` and reports. */
  describe(name: string): string;
  /**
   * How a worker thread builds the same model (`fitParallel`'s ModelSpec: a module to import, the
   * export to call, structured-cloneable arguments), when the library can say. Without it training
   * stays on the main thread.
   */
  workerSpec?(
    name: string,
    schema: DatasetSchema,
    options: CreateModelOptions,
  ): { readonly module: string; readonly exportName: string; readonly args: readonly unknown[] };
  /** Saves a trained model (a framework-independent directory), when the library can. */
  save?(model: MultiTaskModel<Batch>, storage: Storage, directory: string): Promise<void>;
}
