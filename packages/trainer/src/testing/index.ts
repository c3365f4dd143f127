/**
 * Test and benchmark helpers: a small but complete MultiTaskModel (typed-array embeddings with
 * Adagrad row updates, a shared layer, per-task towers) and tiny click / conversion data. Also a
 * reference implementation of the MultiTaskModel contract for model authors.
 */
export { stateValues, TASKS, tinySetup } from './setup.js';
export { type TinyDataArgs, tinyDataset } from './tiny-data.js';
export { type TinyModelArgs, TinyMultiTaskModel } from './tiny-model.js';
