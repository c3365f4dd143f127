// Browser-safe entry point: no Node built-ins may be imported from here. The data contract
// (`Batch`, `DatasetSchema`, batching, splits, vocabularies, shards) is in `@dtrn/data`.

export {
  DEFAULT_LEAKAGE_ARGS,
  findLeakyFeatures,
  formatLeakageReport,
  type LeakageArgs,
  type LeakageFinding,
  type LeakageReport,
} from './leakage/find-leaky-features.js';
export * from './loaders/index.js';
export * from './synthetic/index.js';
