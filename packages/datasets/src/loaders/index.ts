// Browser-safe loader API: parsing of lines and byte chunks, no Node built-ins.

export {
  type AliCcpArgs,
  DEFAULT_ALI_CCP_ARGS,
  type ResolvedAliCcpArgs,
  resolveAliCcpArgs,
} from './ali-ccp/ali-ccp-args.js';
export { aliCcpSchema } from './ali-ccp/ali-ccp-schema.js';
export { ALI_CCP_BAGS, ALI_CCP_BEHAVIOR_SPACE, ALI_CCP_SINGLE_FIELDS } from './ali-ccp/fields.js';
export {
  type AliCcpBatchHandler,
  type AliCcpLoadResult,
  type AliCcpReport,
  type AliCcpSources,
  type AliCcpStreamResult,
  loadAliCcp,
  streamAliCcp,
} from './ali-ccp/load-ali-ccp.js';
export { ParsedFeatures } from './ali-ccp/parse-features.js';
export { parseCommonLine, parseSkeletonLine, type SkeletonRow } from './ali-ccp/parse-rows.js';
export {
  type AliExpressArgs,
  DEFAULT_ALIEXPRESS_ARGS,
  type ResolvedAliExpressArgs,
  resolveAliExpressArgs,
} from './aliexpress/aliexpress-args.js';
export { ALIEXPRESS_COLUMNS, aliExpressSchema } from './aliexpress/aliexpress-format.js';
export {
  type AliExpressBatchHandler,
  type AliExpressLoadResult,
  type AliExpressReport,
  type AliExpressSources,
  type AliExpressStreamResult,
  loadAliExpress,
  streamAliExpress,
} from './aliexpress/load-aliexpress.js';
export {
  assertBalanced,
  BAD_INPUT_POLICIES,
  type BadInputPolicy,
  type FileReport,
  MAX_SKIP_EXAMPLES,
  RowLedger,
  SKIP_REASONS,
  type SkippedRowExample,
  type SkipReason,
} from './bad-input.js';
export { forEachRow, type LineLoopOptions, type RowVisitor } from './io/line-loop.js';
export {
  DEFAULT_MAX_LINE_BYTES,
  type InvalidLine,
  type LineBlock,
  type ReadLinesOptions,
  readLines,
} from './io/line-reader.js';
export {
  bytesSource,
  type DataSource,
  type ProgressCallback,
  type ReadProgress,
  textSource,
} from './io/source.js';
export { findInvalidUtf8, type Utf8Problem } from './io/utf8.js';
export {
  loadOtto,
  type OttoBatchHandler,
  type OttoCounts,
  type OttoLoadResult,
  type OttoReport,
  type OttoStreamResult,
  streamOtto,
} from './otto/load-otto.js';
export type { NegativeSampling } from './otto/negative-sampler.js';
export {
  DEFAULT_OTTO_ARGS,
  type OttoArgs,
  type OttoSampleSpaces,
  type ResolvedOttoArgs,
  resolveOttoArgs,
} from './otto/otto-args.js';
export { OTTO_SESSION_FIELD, ottoSchema } from './otto/otto-schema.js';
// Low-level row parsers (for custom pipelines and benchmarks).
export { OTTO_EVENT_TYPES, OttoSession, parseOttoLine } from './otto/parse-session.js';
export type { CommonLoaderArgs } from './shared/common-args.js';
export { SPLIT_NAMES, type SplitFractions, type SplitName } from './shared/split-assignment.js';
