// Seeded synthetic generators (browser-safe: no Node built-ins).

export { type MmoeDatasetOptions, mmoeDataToDataset } from './mmoe-dataset.js';
export {
  DEFAULT_MMOE_DATA_ARGS,
  generateMmoeData,
  type MmoeData,
  type MmoeDataArgs,
  type ResolvedMmoeDataArgs,
  resolveMmoeDataArgs,
} from './mmoe-generator.js';
export {
  DEFAULT_MULTI_BEHAVIOR_ARGS,
  MULTI_BEHAVIOR_ARG_KEYS,
  type MultiBehaviorArgs,
  type ResolvedMultiBehaviorArgs,
  resolveMultiBehaviorArgs,
  type TaskMode,
} from './multi-behavior-args.js';
export {
  generateMultiBehaviorData,
  ORACLE_KINDS,
  type OracleKind,
  SCORE_KINDS,
  type SyntheticDataset,
  type SyntheticInfo,
} from './multi-behavior-generator.js';
export {
  buildSyntheticSchema,
  SYNTHETIC_GROUP_FIELD,
  SYNTHETIC_SIDE_FIELDS,
  SYNTHETIC_SPARSE_FIELDS,
  SYNTHETIC_TASKS,
} from './multi-behavior-schema.js';
export { oracleReport, type TaskOracles } from './oracle-report.js';
export {
  SYNTHETIC_PRESETS,
  SYNTHETIC_SETTING_KNOBS,
  SYNTHETIC_SETTINGS,
  SYNTHETIC_SIZE_KNOBS,
  SYNTHETIC_SIZES,
  type SyntheticSetting,
  type SyntheticSize,
  syntheticPreset,
} from './presets.js';
