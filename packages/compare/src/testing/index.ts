/**
 * Helpers for tests of the engine and of the apps around it: a two-model catalog of the trainer's
 * reference `MultiTaskModel`, synthetic data as a data source, and a store in memory.
 */
export { tinyCatalog } from './catalog.js';
export { memoryStore } from './memory-store.js';
export { type SyntheticSourceArgs, syntheticSource } from './synthetic-source.js';
