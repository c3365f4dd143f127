export {
  DEFAULT_HYPERNET_ENCODER_ARGS,
  type HypernetEncoderArgs,
  numLayerNorms,
  POOLING_KINDS,
  type PoolingKind,
  type ResolvedHypernetEncoderArgs,
  resolveHypernetEncoderArgs,
} from './args.js';
export {
  type HypernetEncoderForwardOptions,
  type HypernetEncoderOutputs,
  hypernetEncoderForward,
} from './forward.js';
export {
  type GeneratedLayerNorms,
  hypernetEncoderLayerNorms,
  hypernetEncoderLayerNormsFor,
  hypernetworkHidden,
} from './hypernetwork.js';
export {
  checkHypernetEncoderInputShapes,
  type HypernetEncoderInputShapes,
  type HypernetEncoderInputs,
} from './inputs.js';
export { DtrnHypernetEncoder, type DtrnHypernetEncoderArgs, hypernetEncoder } from './layer.js';
export {
  createHypernetEncoderParams,
  type EncoderBlockParams,
  type HypernetEncoderParams,
  type HypernetworkParams,
  hypernetEncoderParameterCount,
  hypernetEncoderParamsFromRecord,
  hypernetEncoderVariables,
  hypernetEncoderWeightSpecs,
  hypernetworkOutputDim,
  independentEncodersParameterCount,
  type SharedLayerNormParams,
  type WeightSpec,
} from './params.js';
export { hypernetEncoderReferenceForward } from './reference-forward.js';
