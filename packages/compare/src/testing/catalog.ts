import { summarizeSchema } from '@dtrn/data';
import { TinyMultiTaskModel } from '@dtrn/trainer/testing';
import type { ModelCatalog } from '../catalog.js';

/**
 * The trainer's reference MultiTaskModel (`@dtrn/trainer/testing`) over the schema's sparse fields,
 * as `shared-bottom` and a wider `wide-shared-bottom` whose base is `shared-bottom` (one gain pair).
 */
export function tinyCatalog(): ModelCatalog {
  return {
    names: ['shared-bottom', 'wide-shared-bottom'],
    create(name, schema, options) {
      const summary = summarizeSchema(schema);
      return new TinyMultiTaskModel({
        taskNames: schema.tasks.map((task) => task.name),
        vocabularySizes: summary.sparseFieldIdSpaces.map((space) => schema.idSpaces[space]!.size),
        hiddenUnits: name === 'wide-shared-bottom' ? 16 : 8,
        embeddingDim: 4,
        seed: options.seed,
      });
    },
    baseOf: (name) => (name === 'wide-shared-bottom' ? 'shared-bottom' : null),
    describe: (name) => `test model ${name}`,
  };
}
