/**
 * A model catalog whose `create` goes through `create` (to sample memory or alter a model); its
 * other members are the wrapped catalog's. `workerSpec` is kept only with `workers: true`: worker
 * threads build their models from it, so a catalog that alters models must train on one thread.
 */
import type { ModelCatalog } from '@dtrn/compare';

export function wrapCreate(
  catalog: ModelCatalog,
  create: (
    ...args: [...Parameters<ModelCatalog['create']>, base: ModelCatalog]
  ) => ReturnType<ModelCatalog['create']>,
  options: { workers?: boolean } = {},
): ModelCatalog {
  return {
    names: catalog.names,
    create: (name, schema, createOptions) => create(name, schema, createOptions, catalog),
    baseOf: (name) => catalog.baseOf(name),
    describe: (name) => catalog.describe(name),
    ...(catalog.check ? { check: catalog.check.bind(catalog) } : {}),
    ...(catalog.checkSettings ? { checkSettings: catalog.checkSettings.bind(catalog) } : {}),
    ...(options.workers && catalog.workerSpec ? { workerSpec: catalog.workerSpec.bind(catalog) } : {}),
    ...(catalog.save ? { save: catalog.save.bind(catalog) } : {}),
  };
}
