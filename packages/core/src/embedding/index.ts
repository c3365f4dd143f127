/** Sparse embeddings: EmbeddingBank (typed-array tables, lazy Adam/Adagrad) and SparseInputs. */
export {
  DEFAULT_EMBEDDING_BANK,
  DEFAULT_EMBEDDING_INITIALIZER,
  DEFAULT_SPARSE_ADAGRAD,
  DEFAULT_SPARSE_ADAM,
  EMBEDDING_INITIALIZERS,
  type EmbeddingBankArgs,
  type EmbeddingInitializerArgs,
  type EmbeddingInitializerKind,
  type EmbeddingTableSpec,
  MAX_TABLE_ELEMENTS,
  type ResolvedAdagrad,
  type ResolvedAdam,
  type ResolvedEmbeddingBankArgs,
  type ResolvedSparseOptimizer,
  resolveEmbeddingBankArgs,
  resolveEmbeddingInitializerArgs,
  resolveSparseOptimizerArgs,
  type SparseAdagradArgs,
  type SparseAdamArgs,
  type SparseOptimizerArgs,
  tablesFromIdSpaces,
} from './config.js';
export {
  type ApplyGradientsResult,
  EmbeddingBank,
  type EmbeddingTableInfo,
  type EmbeddingUpdate,
} from './embedding-bank.js';
export { type ApplyGradientsOptions, type RowShard, rowGradientsOf } from './gradient-updates.js';
export {
  EMBEDDING_SHARE_FORMAT,
  type SharedEmbeddingBankHandle,
  type SharedEmbeddingTable,
} from './shared-handle.js';
export { SparseInputs, type SparseStepGradients } from './sparse-inputs.js';
export {
  EMBEDDING_STATE_FORMAT,
  EMBEDDING_STATE_VERSION,
  type EmbeddingBankState,
  type EmbeddingBankStateMetadata,
  type EmbeddingTableArrays,
  type EmbeddingTableStateMetadata,
} from './state.js';
