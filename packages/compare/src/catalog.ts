/**
 * What the engine needs from a model library: named presets built from a dataset schema, and the
 * base each variant's gain is measured against. `@dtrn/model`'s presets are one catalog (the app
 * builds it); any `MultiTaskModel` factory can be another.
 */
import { ConfigError, closestMatch } from '@dtrn/base';
import type { MultiTaskModel, Storage } from '@dtrn/core';
import type { Batch, DatasetSchema } from '@dtrn/data';
import { type ComparisonConfig, overridesFor } from './config.js';

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
  /**
   * Throws the ConfigError `create` would throw for the overrides alone (unknown keys, ranges),
   * without the data: run for every model before a comparison reads its data. Optional.
   */
  checkSettings?(name: string, options: CreateModelOptions): void;
  /** The model a variant's gain is measured against (DTRN on head X against X), or null. */
  baseOf(name: string): string | null;
  /**
   * Whether a preset trains one independent network per task (no transfer between tasks): each
   * multi-task model of a comparison that has one is measured against it (`transfer`). Optional.
   */
  isSingleTask?(name: string): boolean;
  /** One line about a preset for `--help` and reports. */
  describe(name: string): string;
  /**
   * How a worker thread builds the same model (`fitParallel`'s ModelSpec from `@dtrn/trainer/node`:
   * a module to import, the export to call, structured-cloneable arguments), when the library can
   * say. The engine itself trains on the caller's thread; a `RunTrainer` that trains on workers
   * (the CLI's `--workers`) reads it. Optional.
   */
  workerSpec?(
    name: string,
    schema: DatasetSchema,
    options: CreateModelOptions,
  ): { readonly module: string; readonly exportName: string; readonly args: readonly unknown[] };
  /** Saves a trained model (a framework-independent directory), when the library can. */
  save?(model: MultiTaskModel<Batch>, storage: Storage, directory: string): Promise<void>;
}

/** Throws a ConfigError naming the closest preset when `name` is not in the catalog. */
export function checkModelName(catalog: ModelCatalog, name: string, where: string): void {
  if (catalog.names.includes(name)) return;
  const closest = closestMatch(name, catalog.names);
  throw new ConfigError(`${where}: unknown model "${name}"${closest ? `; did you mean "${closest}"?` : ''}`, {
    expected: `one of ${catalog.names.join(', ')}`,
  });
}

/**
 * Checks every model of a comparison before anything is read or trained: its name is in the
 * catalog and its overrides (`modelOverrides` merged with `perModel[name]`) are valid settings.
 */
export function checkComparisonModels(
  catalog: ModelCatalog,
  config: Pick<ComparisonConfig, 'models' | 'modelOverrides' | 'perModel' | 'firstSeed'>,
  where = 'models',
): void {
  config.models.forEach((model, i) => {
    checkModelName(catalog, model, `${where}[${i}]`);
  });
  if (!catalog.checkSettings) return;
  for (const model of config.models) {
    catalog.checkSettings(model, { seed: config.firstSeed, overrides: overridesFor(config, model) });
  }
}

/**
 * Checks that every model can be built on the data (e.g. TIM needs behavior sequences) before any
 * trains, so a comparison does not fail after hours on its last model.
 */
export function checkModelsFit(
  catalog: ModelCatalog,
  models: readonly { readonly name: string; readonly overrides: Readonly<Record<string, unknown>> }[],
  schema: DatasetSchema,
  seed: number,
): void {
  if (!catalog.check) return;
  for (const { name, overrides } of models) catalog.check(name, schema, { seed, overrides });
}

/** The (variant, base) pairs among `models`: variants whose base is also in the comparison. */
export function gainPairs(
  models: readonly string[],
  catalog: Pick<ModelCatalog, 'baseOf'>,
): { model: string; base: string }[] {
  return models.flatMap((model) => {
    const base = catalog.baseOf(model);
    return base !== null && base !== model && models.includes(base) ? [{ model, base }] : [];
  });
}

/**
 * The (multi-task model, single-task model) pairs among `models`: every model the catalog does not
 * call single-task against every one it does. Empty when the catalog cannot say or no single-task
 * model is compared.
 */
export function transferPairs(
  models: readonly string[],
  catalog: Pick<ModelCatalog, 'isSingleTask'>,
): { model: string; base: string }[] {
  const isSingleTask = catalog.isSingleTask;
  if (!isSingleTask) return [];
  const references = models.filter((model) => isSingleTask(model));
  return models
    .filter((model) => !isSingleTask(model))
    .flatMap((model) => references.map((base) => ({ model, base })));
}
