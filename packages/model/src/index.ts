// Browser-safe entry point: no Node built-ins may be imported from here.

/** The scale apps size every preset's head with (`modelPresetHead(name).family.sizesAt(scale)`). */
export type { HeadScale } from '@dtrn/mtl-heads';
export { analyseBottom, type BottomAnalysis, type LayerNormShift } from './bottom-analysis.js';
export { buildModel, checkModelConfig, createModel } from './create-model.js';
export { type BottomProbe, DtrnModel } from './dtrn-model.js';
export { type ElementPart, type FeatureLayout, planFeatures } from './feature-layout.js';
export {
  DEFAULT_LOAD_MODEL_OPTIONS,
  type LoadedModel,
  type LoadModelOptions,
  loadModel,
} from './load-model.js';
export {
  BOTTOM_KINDS,
  type BottomKind,
  DEFAULT_MODEL_ARGS,
  ENCODER_KEYS_SET_BY_MODEL,
  HEAD_KEYS_SET_BY_MODEL,
  MODEL_ARG_KEYS,
  type ModelArgs,
  type ModelEmbeddingArgs,
  type ModelEncoderArgs,
  type ModelHeadArgs,
  type ModelRefinerArgs,
  modelArgsToJson,
  REFINER_KEYS_SET_BY_MODEL,
  type ResolvedModelArgs,
  resolveModelArgs,
  SEQUENCE_ENCODERS,
  type SequenceEncoderKind,
} from './model-args.js';
export { type ModelConfig, type NetworkConfig, resolveModelConfig } from './model-config.js';
export { configParameterCount, type PlannedSize, plannedParameterCount } from './model-size.js';
export {
  MODEL_PRESET_DESCRIPTIONS,
  MODEL_PRESET_NAMES,
  MODEL_PRESETS,
  type ModelPresetName,
  modelPreset,
  modelPresetBase,
  modelPresetHead,
  modelPresetIsSingleTask,
} from './presets.js';
export type { EmbeddingTableAccess, ParameterBreakdown, RecommenderModel } from './recommender-model.js';
export { type SaveModelOptions, saveModel } from './save-model.js';
export {
  MODEL_LIBRARY_VERSION,
  SAVED_MODEL_FORMAT,
  SAVED_MODEL_VERSION,
  type SavedFileEntry,
  type SavedModelManifest,
  type SavedWeightEntry,
} from './saved-model-format.js';
export { SingleTaskModels } from './single-task-model.js';
export { renameLayoutTables } from './stem-embeddings.js';
export {
  TASK_MODULES,
  type TaskModule,
  withTaskModulesReset,
  withTaskModulesRotated,
} from './task-module-swap.js';
