/** A model catalog whose `create` goes through `create` (to sample memory or alter a model). */
import type { ModelCatalog } from '../../src/models/model-catalog.js';

export function wrapCreate(
  catalog: ModelCatalog,
  create: (
    ...args: [...Parameters<ModelCatalog['create']>, base: ModelCatalog]
  ) => ReturnType<ModelCatalog['create']>,
): ModelCatalog {
  return {
    names: catalog.names,
    create: (name, schema, options) => create(name, schema, options, catalog),
    baseOf: (name) => catalog.baseOf(name),
    describe: (name) => catalog.describe(name),
    ...(catalog.save ? { save: catalog.save.bind(catalog) } : {}),
  };
}
