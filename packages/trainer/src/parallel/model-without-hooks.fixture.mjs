// Test fixture (imported by worker threads, hence plain JavaScript): a @dtrn/model model wrapped
// without the optional data-parallel hooks (shareEmbeddings, useSharedEmbeddings, applyRowUpdates),
// as a third-party MultiTaskModel would be.
import { createModel } from '@dtrn/model';

export function createModelWithoutHooks(schema, args) {
  const model = createModel(schema, args);
  return {
    taskNames: model.taskNames,
    variableGroups: model.variableGroups,
    prepare: (batch, options) => model.prepare(batch, options),
    forward: (prepared, options) => model.forward(prepared, options),
    parameterCount: () => model.parameterCount(),
    getState: () => model.getState(),
    setState: (state) => model.setState(state),
    dispose: () => model.dispose(),
  };
}
