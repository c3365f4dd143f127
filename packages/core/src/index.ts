export {
  ConfigError,
  DataError,
  DtrnError,
  type DtrnErrorDetails,
  type ErrorLocation,
  isConfigError,
  isDataError,
  isDtrnError,
  isShapeError,
  ShapeError,
} from '@dtrn/base';
export { ACTIVATIONS, type ActivationName, applyActivation, checkActivation } from './activation.js';
export {
  type AttemptStatus,
  BACKEND_CANDIDATES,
  BACKEND_PACKAGES,
  BACKEND_PREFERENCES,
  type BackendAttempt,
  type BackendCandidate,
  type BackendLoader,
  type BackendLoaders,
  type BackendPreference,
  type BackendSelection,
  type SelectBackendOptions,
  selectBackend,
} from './backend.js';
export {
  addDenseWeights,
  addMlpWeights,
  createDenseVariables,
  createMlpVariables,
  type DenseParams,
  type DenseWeightOptions,
  type DenseWeights,
  denseForward,
  denseParameterCount,
  type MlpOptions,
  matMul2d,
  mlpForward,
  mlpParameterCount,
  readDenseWeights,
  readMlpWeights,
  type WeightFactory,
} from './dense.js';
export {
  INITIALIZERS,
  type Initializer,
  type InitializerName,
  seededInitializer,
  weightSeed,
} from './initializers.js';
export type {
  ForwardOptions,
  ModelInspection,
  ModelState,
  MultiTaskModel,
  PreparedBatch,
  VariableGroups,
} from './multi-task-model.js';
export { LAYER_NAMESPACE, registerLayer } from './registration.js';
export {
  checkLength,
  checkRank,
  checkSameShape,
  checkShape,
  type ExpectedDimension,
  type ShapeBindings,
} from './shape.js';
export { MemoryStorage, type Storage } from './storage.js';
