export {
  type AitmArgs,
  type AitmParams,
  type AitParams,
  aitmForward,
  aitmHead,
  aitmParameterCount,
  aitmVariables,
  createAitmParams,
  DEFAULT_AITM_ARGS,
  type ResolvedAitmArgs,
  resolveAitmArgs,
} from './aitm.js';
export {
  declareExperts,
  declareMlp,
  declareTowers,
  expertsForward,
  gateForward,
  hiddenStackForward,
  mixExperts,
  type StackOptions,
  stackOptions,
  stackSeed,
  towerForward,
  towersParameterCount,
} from './building-blocks.js';
export { cascadeEntireSpaceTasks, productLogit, resolveCascade, TOWER_FAMILY } from './cascade.js';
export {
  COMMON_ARG_KEYS,
  DEFAULT_MTL_HEAD_COMMON_ARGS,
  type MtlHeadCommonArgs,
  type ResolvedMtlHeadCommonArgs,
  resolveCommonArgs,
  resolveUnits,
} from './common-args.js';
export type {
  HeadWeightSpec,
  MtlGateDescription,
  MtlHeadBaseArgs,
  MtlHeadDefinition,
  MtlHeadForwardOptions,
  MtlHeadGate,
  MtlHeadInputs,
  MtlHeadOutput,
  MtlHeadVariables,
  WeightCreator,
  WeightOwner,
} from './contract.js';
export { allHeadVariables, declare, defineHead, type HeadEssentials } from './define-head.js';
export {
  createEsmmParams,
  DEFAULT_ESMM_ARGS,
  type EsmmArgs,
  type EsmmParams,
  esmmForward,
  esmmHead,
  esmmParameterCount,
  esmmVariables,
  type ResolvedEsmmArgs,
  resolveEsmmArgs,
} from './esmm.js';
export { type ExpertUtilisation, expertUtilisation } from './expert-utilisation.js';
export type { MtlHeadArgsByName, TypedHeadName } from './head-args-map.js';
export { BOTTOM_FAMILY, EXPERT_FAMILY, type HeadFamily, type HeadScale } from './head-family.js';
export { applyPerTaskInput, checkHeadInputs } from './inputs.js';
export {
  createMmoeParams,
  DEFAULT_MMOE_ARGS,
  type MmoeArgs,
  type MmoeParams,
  mmoeForward,
  mmoeHead,
  mmoeParameterCount,
  mmoeVariables,
  type ResolvedMmoeArgs,
  resolveMmoeArgs,
} from './mmoe.js';
export { DtrnMtlHead, type MtlHeadLayerArgs, mmoe, mtlHead, ple, sharedBottom } from './mtl-head-layer.js';
export {
  createPleParams,
  DEFAULT_PLE_ARGS,
  type PleArgs,
  type PleLevelParams,
  type PleParams,
  pleForward,
  pleHead,
  pleParameterCount,
  pleVariables,
  type ResolvedPleArgs,
  resolvePleArgs,
} from './ple.js';
export {
  type AnyMtlHeadDefinition,
  getHead,
  headNames,
  type RegisterHeadOptions,
  registerHead,
  unregisterHead,
} from './registry.js';
export {
  createSharedBottomParams,
  DEFAULT_SHARED_BOTTOM_ARGS,
  type ResolvedSharedBottomArgs,
  resolveSharedBottomArgs,
  type SharedBottomArgs,
  type SharedBottomParams,
  sharedBottomForward,
  sharedBottomHead,
  sharedBottomParameterCount,
  sharedBottomVariables,
} from './shared-bottom.js';
