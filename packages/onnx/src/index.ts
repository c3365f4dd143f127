// Browser-safe entry point: no Node built-ins may be imported from here.

export { batchToOnnxInputs, type OnnxInputTensor } from './batch-inputs.js';
export { MAX_MODEL_BYTES, ONNX_IR_VERSION, ONNX_OPSET } from './encode-model.js';
export { type ExportOnnxOptions, exportOnnx, ONNX_LIBRARY_VERSION, type OnnxExport } from './export-onnx.js';
export { BATCH_DIMENSION } from './graph-inputs.js';
export { EXPORTABLE_HEADS } from './head-graph.js';
export {
  type ExportedIdSpace,
  type ExportedInput,
  type ExportedOutput,
  ID_MAPPING_RULE,
  ONNX_EXPORT_FORMAT,
  ONNX_EXPORT_VERSION,
  type OnnxExportMetadata,
  type VocabularyInput,
} from './metadata.js';
