export {
  assertKnownKeys,
  assertPlainObject,
  checkBoolean,
  checkEnum,
  checkNumber,
  checkNumberArray,
  checkString,
  closestMatch,
  deepMerge,
  editDistance,
  type NumberRule,
  optionalBoolean,
  optionalEnum,
  optionalNumber,
} from './config.js';
export {
  ConfigError,
  DataError,
  DtrnError,
  type DtrnErrorDetails,
  describeValue,
  type ErrorLocation,
  formatLocation,
  isConfigError,
  isDataError,
  isDtrnError,
  isShapeError,
  ShapeError,
} from './errors.js';
export { checkFileLimits, checkFileSize, type FileLimits } from './file-limits.js';
export { describeJsonType, type ParseJsonOptions, parseJson } from './json.js';
export { createRng, deriveSeed, Rng, type RngState } from './random.js';
