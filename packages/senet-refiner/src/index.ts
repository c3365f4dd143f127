export {
  DEFAULT_SENET_REFINER_ARGS,
  EXCITATION_ACTIVATIONS,
  type ExcitationActivation,
  type ResolvedSenetRefinerArgs,
  resolveSenetRefinerArgs,
  type SenetRefinerArgs,
  SQUEEZE_MODES,
  type SqueezeMode,
  senetHiddenUnits,
  senetSqueezeWidth,
} from './args.js';
export {
  applyExcitationGate,
  EXCITATION_STRATEGIES,
  type ExcitationStrategy,
  type SenetRefinerForwardOptions,
  type SenetRefinerOutputs,
  senetRefinerForward,
} from './forward.js';
export {
  checkSenetInputShapes,
  type SenetFieldInputs,
  type SenetInputShapes,
  type SenetRefinerInputs,
  type SenetSharedInterestInputs,
} from './inputs.js';
export { DtrnSenetRefiner, type SenetRefinerLayerArgs, senetRefiner } from './layer.js';
export {
  createSenetRefinerParams,
  type SenetDenseParams,
  type SenetRefinerParams,
  type SenetTaskParams,
  senetExcitationPrefix,
  senetRefinerParameterCount,
  senetRefinerVariables,
} from './params.js';
export {
  FieldWeightAccumulator,
  type FieldWeightRow,
  type FieldWeightSummary,
  type FieldWeightSummaryOptions,
  formatFieldWeightTable,
  summarizeFieldWeights,
} from './summary.js';
