/**
 * A model catalog for the app's plumbing tests: the trainer's reference MultiTaskModel
 * (`@dtrn/trainer/testing`) over the schema's sparse fields, under two names so a gain pair exists.
 * The real presets come from @dtrn/model (see src/models/dtrn-catalog.ts).
 */
import { summarizeSchema } from '@dtrn/data';
import { TinyMultiTaskModel } from '@dtrn/trainer/testing';
import type { ModelCatalog } from '../../src/models/model-catalog.js';

export const tinyCatalog: ModelCatalog = {
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
