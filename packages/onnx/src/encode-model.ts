/**
 * GraphBuilder -> ONNX ModelProto bytes, with the `onnx-proto` package (ONNX's own protobuf
 * definitions compiled by protobufjs). IR version 8, default-domain opset 17.
 */
import { ConfigError } from '@dtrn/base';
import onnxProto from 'onnx-proto';
import {
  type AttributeValue,
  ELEMENT_TYPE,
  type GraphBuilder,
  type Initializer,
  type ValueInfo,
} from './graph-builder.js';

const { onnx } = onnxProto;

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
/** Protobuf messages cannot exceed 2 GiB; keep a margin for the graph itself. */
export const MAX_MODEL_BYTES = 2 ** 31 - 2 ** 24;

export interface EncodeOptions {
  readonly graphName: string;
  readonly producerVersion: string;
  readonly docString: string;
  /** Written into `metadata_props` (readable with `session.get_modelmeta()` in onnxruntime). */
  readonly metadata: Readonly<Record<string, string>>;
}

function tensorProto(initializer: Initializer) {
  return {
    name: initializer.name,
    dataType: ELEMENT_TYPE[initializer.type],
    dims: [...initializer.dims],
    rawData: initializer.bytes,
  };
}

function valueInfo(info: ValueInfo) {
  return {
    name: info.name,
    ...(info.doc ? { docString: info.doc } : {}),
    type: {
      tensorType: {
        elemType: ELEMENT_TYPE[info.type],
        shape: {
          dim: info.shape.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })),
        },
      },
    },
  };
}

function attribute(name: string, value: AttributeValue, isFloat: boolean) {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'string') {
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  }
  if (typeof value === 'number') {
    return isFloat
      ? { name, type: AttributeType.FLOAT, f: value }
      : { name, type: AttributeType.INT, i: value };
  }
  if (Array.isArray(value)) {
    return isFloat
      ? { name, type: AttributeType.FLOATS, floats: [...value] }
      : { name, type: AttributeType.INTS, ints: [...value] };
  }
  return { name, type: AttributeType.TENSOR, t: tensorProto((value as { tensor: Initializer }).tensor) };
}

/** The ModelProto bytes of `graph`. Throws a ConfigError when the model would exceed 2 GiB. */
export function encodeModel(graph: GraphBuilder, options: EncodeOptions): Uint8Array {
  if (graph.initializerBytes > MAX_MODEL_BYTES) {
    throw new ConfigError('exportOnnx: the model is too large for one ONNX file', {
      expected: `at most ${MAX_MODEL_BYTES} bytes of weights (protobuf's 2 GiB message limit)`,
      found: `${graph.initializerBytes} bytes (embedding tables included)`,
    });
  }
  const model = onnx.ModelProto.fromObject({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: '@dtrn/onnx',
    producerVersion: options.producerVersion,
    docString: options.docString,
    metadataProps: Object.entries(options.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: options.graphName,
      node: graph.nodes.map((node) => ({
        name: node.name,
        opType: node.opType,
        input: [...node.inputs],
        output: [...node.outputs],
        attribute: Object.entries(node.attributes).map(([name, value]) =>
          attribute(name, value, node.floatAttributes.includes(name)),
        ),
      })),
      initializer: graph.initializers.map(tensorProto),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
  });
  const bytes = onnx.ModelProto.encode(model).finish(); // a Buffer in Node
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
