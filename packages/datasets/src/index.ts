// Browser-safe entry point: no Node built-ins may be imported from here.

export * from './data/index.js';
export * from './loaders/index.js';
export * from './synthetic/index.js';
export type {
  Batch,
  BehaviorSpec,
  DatasetSchema,
  DenseFieldSpec,
  IdSpaceSpec,
  InMemoryDataset,
  OovPolicy,
  SampleSpace,
  SequenceColumns,
  SequenceSideFieldSpec,
  SequencesSpec,
  SparseFieldSpec,
  TaskSpec,
} from './types.js';
