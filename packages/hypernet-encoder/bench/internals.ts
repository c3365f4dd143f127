// Internal ops of the encoder, for bench/kernels.bench.mjs (bundled from src by
// @dtrn/tooling/bench-baseline's importSources; not part of the package).

export { resolveHypernetEncoderArgs } from '../src/args.js';
export { maskedSelfAttention } from '../src/attention.js';
export { attentionSublayer, attentionWeights } from '../src/attention-sublayer.js';
export { conditionalAffine } from '../src/broadcast-ops.js';
export { BUCKET_COST } from '../src/compaction.js';
export { dinPool } from '../src/din-pool.js';
export { FUSION } from '../src/encode-bucket.js';
export { feedForwardWithResidual } from '../src/feed-forward.js';
export { hypernetEncoderForward } from '../src/forward.js';
export { standardize } from '../src/layer-norm.js';
export { normFeedForward } from '../src/norm-feed-forward.js';
export { createHypernetEncoderParams, hypernetEncoderVariables } from '../src/params.js';
export { poolSequences } from '../src/pooling.js';
export { hypernetEncoderReferenceForward } from '../src/reference-forward.js';
