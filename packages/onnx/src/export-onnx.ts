/**
 * `exportOnnx(model)`: one ONNX graph (opset 17, standard ops only) for any model built by
 * @dtrn/model's `createModel` / `loadModel`, with the embedding tables as initializers, plus the
 * metadata the JSON sidecar holds. Browser-safe: returns bytes; `@dtrn/onnx/node` writes files.
 */
import { ConfigError } from '@dtrn/base';
import { modelArgsToJson, planFeatures, type RecommenderModel } from '@dtrn/model';
import { encodeModel, ONNX_IR_VERSION, ONNX_OPSET } from './encode-model.js';
import { GraphBuilder } from './graph-builder.js';
import { BATCH_DIMENSION, inputSpecs } from './graph-inputs.js';
import {
  checkVocabularies,
  exportedIdSpaces,
  exportedInput,
  ID_MAPPING_RULE,
  ONNX_EXPORT_FORMAT,
  ONNX_EXPORT_VERSION,
  type OnnxExportMetadata,
  type VocabularyInput,
} from './metadata.js';
import { modelGraph } from './model-graph.js';
import { reshape } from './ops.js';

/** The version written as the ONNX producer version (checked against package.json by a test). */
export const ONNX_LIBRARY_VERSION = '0.1.0';

export interface ExportOnnxOptions {
  /**
   * Raw-id vocabularies by id space (`Vocabulary` objects or their `toJSON()`), written into the
   * metadata so callers can map raw ids to rows. Id spaces without one are documented as taking
   * table rows directly. Default: none.
   */
  readonly vocabularies?: Readonly<Record<string, VocabularyInput>> | null;
  /** Graph name inside the ONNX file. Default `dtrn`. */
  readonly graphName?: string;
}

export interface OnnxExport {
  /** The ONNX ModelProto bytes. */
  readonly bytes: Uint8Array;
  /** What the JSON sidecar holds (inputs, outputs, id spaces and vocabularies). */
  readonly metadata: OnnxExportMetadata;
}

function isRecommenderModel(model: unknown): model is RecommenderModel {
  const m = model as Partial<RecommenderModel> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.namedWeights === 'function' &&
    typeof m.embeddingTables === 'function' &&
    typeof m.args === 'object' &&
    typeof m.schema === 'object' &&
    Array.isArray(m.taskNames)
  );
}

/** The per-task models of a single-task model, or the model itself. */
function graphParts(model: RecommenderModel): { model: RecommenderModel; prefix: string }[] {
  if (!model.args.singleTask) return [{ model, prefix: '' }];
  const parts = (model as unknown as { models?: readonly RecommenderModel[] }).models;
  if (!Array.isArray(parts) || parts.length !== model.taskNames.length || !parts.every(isRecommenderModel)) {
    throw new ConfigError('exportOnnx: a single-task model must expose its per-task models', {
      expected: 'a SingleTaskModels from @dtrn/model (models: one RecommenderModel per task)',
    });
  }
  return parts.map((part, k) => ({ model: part, prefix: `task/${k}/` }));
}

function checkNames(model: RecommenderModel, inputNames: readonly string[]): void {
  for (const task of model.taskNames) {
    if (inputNames.includes(task)) {
      throw new ConfigError(`exportOnnx: task "${task}" and an input would both be named "${task}"`, {
        expected:
          'task names that differ from the sparse and dense field names (outputs are named after tasks)',
        found: task,
      });
    }
  }
}

/**
 * Exports `model` as one ONNX graph. Inputs: one int64 [batch] per sparse field the model reads,
 * int64 [batch, L] per behavior sequence (`<behavior>/item`, `<behavior>/<side field>`; 0 =
 * padding), float32 [batch] per dense field; outputs: float32 [batch] probabilities named after the
 * tasks. Throws a ConfigError for what ONNX cannot express here (a head registered by a user, a
 * model not built by @dtrn/model, more than 2 GiB of weights).
 */
export function exportOnnx(model: RecommenderModel, options: ExportOnnxOptions = {}): OnnxExport {
  if (!isRecommenderModel(model)) {
    throw new ConfigError('exportOnnx: only models built by @dtrn/model can be exported', {
      expected: 'a RecommenderModel from createModel or loadModel',
      found: (model as object | null)?.constructor?.name ?? model,
    });
  }
  const vocabularies = checkVocabularies(model.schema, options.vocabularies);
  const layout = planFeatures(model.schema, model.args, 'exportOnnx');
  const specs = inputSpecs(model.schema, layout);
  checkNames(
    model,
    specs.map((spec) => spec.name),
  );
  const g = new GraphBuilder();
  for (const spec of specs) g.addInput(spec);
  const logits = graphParts(model).flatMap(({ model: part, prefix }) => modelGraph(g, part, prefix));
  const outputs = model.taskNames.map((task, k) => {
    const probability = reshape(g, g.node('Sigmoid', [logits[k]!]), [-1]); // [B]
    const output = { name: task, type: 'float32' as const, shape: [BATCH_DIMENSION], doc: `P(${task})` };
    g.addOutput(probability, output);
    return { name: task, task, dtype: 'float32' as const, shape: [BATCH_DIMENSION] };
  });
  const metadata: OnnxExportMetadata = {
    format: ONNX_EXPORT_FORMAT,
    version: ONNX_EXPORT_VERSION,
    producer: `@dtrn/onnx ${ONNX_LIBRARY_VERSION}`,
    opset: ONNX_OPSET,
    irVersion: ONNX_IR_VERSION,
    graph: null,
    tasks: [...model.taskNames],
    inputs: specs.map(exportedInput),
    outputs,
    idSpaces: exportedIdSpaces(model.schema, specs, vocabularies),
    idMapping: ID_MAPPING_RULE,
    excludedFields: [...layout.excludedFields],
    modelConfig: modelArgsToJson(model.args),
  };
  const bytes = encodeModel(g, {
    graphName: options.graphName ?? 'dtrn',
    producerVersion: ONNX_LIBRARY_VERSION,
    docString: `dtrn model (${model.args.bottom} bottom, ${model.args.head} head${model.args.singleTask ? ', single-task' : ''}) for tasks ${model.taskNames.join(', ')}`,
    metadata: {
      'dtrn.tasks': JSON.stringify(metadata.tasks),
      'dtrn.inputs': JSON.stringify(metadata.inputs),
      'dtrn.config': JSON.stringify(metadata.modelConfig),
    },
  });
  return { bytes, metadata };
}
