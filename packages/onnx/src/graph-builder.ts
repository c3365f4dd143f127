/**
 * A small in-memory ONNX graph: typed inputs and outputs, initializers (float32 and int64 tensors)
 * and nodes, with unique value names. It knows nothing about protobuf; `encodeModel` turns it into
 * ModelProto bytes.
 *
 * Value names: graph inputs and outputs keep the names they are given (schema and task names);
 * every intermediate value is named `dtrn/<n>/<hint>`. Schema names never contain `/`, so the two
 * can never collide.
 */
import { ConfigError } from '@dtrn/base';

/** ONNX element types used here (TensorProto.DataType). */
export const ELEMENT_TYPE = Object.freeze({ float32: 1, int64: 7 });
export type ElementType = keyof typeof ELEMENT_TYPE;

/** One dimension: a fixed size, or a symbolic name (e.g. `batch`). */
export type Dimension = number | string;

export interface ValueInfo {
  readonly name: string;
  readonly type: ElementType;
  readonly shape: readonly Dimension[];
  readonly doc?: string;
}

export interface Initializer {
  readonly name: string;
  readonly type: ElementType;
  readonly dims: readonly number[];
  /** Little-endian raw bytes. */
  readonly bytes: Uint8Array;
}

export type AttributeValue = number | readonly number[] | string | { readonly tensor: Initializer };

export interface GraphNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** Float attributes (ONNX distinguishes `f` from `i`); names listed here are written as floats. */
  readonly floatAttributes: readonly string[];
  readonly name: string;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function float32Bytes(values: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => {
    view.setFloat32(i * 4, value, true);
  });
  return bytes;
}

function int64Bytes(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => {
    view.setBigInt64(i * 8, BigInt(value), true);
  });
  return bytes;
}

export class GraphBuilder {
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  readonly nodes: GraphNode[] = [];
  readonly initializers: Initializer[] = [];
  private readonly names = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;
  /** Bytes of every initializer so far. */
  initializerBytes = 0;

  private claim(name: string, what: string): string {
    if (this.names.has(name)) {
      throw new ConfigError(`exportOnnx: two graph values would be named "${name}"`, {
        expected: `unique names for inputs, outputs and weights (${what})`,
        found: name,
      });
    }
    this.names.add(name);
    return name;
  }

  /** A fresh intermediate value name. */
  fresh(hint: string): string {
    this.counter += 1;
    return this.claim(`dtrn/${this.counter}/${hint}`, 'intermediate value');
  }

  addInput(info: ValueInfo): string {
    this.inputs.push(info);
    return this.claim(info.name, 'graph input');
  }

  /** Declares `value` as a graph output named `info.name` (through an Identity node). */
  addOutput(value: string, info: ValueInfo): void {
    this.claim(info.name, 'graph output');
    this.nodes.push({
      opType: 'Identity',
      inputs: [value],
      outputs: [info.name],
      attributes: {},
      floatAttributes: [],
      name: `output/${info.name}`,
    });
    this.outputs.push(info);
  }

  /** A float32 initializer holding `values` (row-major, `dims`). */
  addFloat(name: string, dims: readonly number[], values: Float32Array): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (values.length !== size) {
      throw new ConfigError(`exportOnnx: weight "${name}" has ${values.length} values`, {
        expected: `${size} values for shape [${dims.join(', ')}]`,
        found: values.length,
      });
    }
    const bytes = float32Bytes(values);
    this.initializers.push({ name: this.claim(name, 'weight'), type: 'float32', dims: [...dims], bytes });
    this.initializerBytes += bytes.length;
    return name;
  }

  /** A float32 scalar or vector constant, shared by every use of the same values. */
  floatConstant(
    values: readonly number[],
    dims: readonly number[] = values.length === 1 ? [] : [values.length],
  ) {
    const key = `f:${dims.join('x')}:${values.join(',')}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.addFloat(`const/${this.constants.size}`, dims, Float32Array.from(values));
    this.constants.set(key, name);
    return name;
  }

  /** An int64 vector constant (shapes, axes, split sizes), shared by every use of the same values. */
  intConstant(values: readonly number[]): string {
    const key = `i:${values.join(',')}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.claim(`const/${this.constants.size}`, 'constant');
    const bytes = int64Bytes(values);
    this.initializers.push({ name, type: 'int64', dims: [values.length], bytes });
    this.initializerBytes += bytes.length;
    this.constants.set(key, name);
    return name;
  }

  /** Adds a node with `outputCount` fresh outputs named after `hint`; returns them. */
  nodeMulti(
    opType: string,
    inputs: readonly string[],
    outputCount: number,
    attributes: Readonly<Record<string, AttributeValue>> = {},
    hint = opType,
    floatAttributes: readonly string[] = [],
  ): string[] {
    const outputs = Array.from({ length: outputCount }, () => this.fresh(hint));
    this.nodes.push({ opType, inputs, outputs, attributes, floatAttributes, name: outputs[0]! });
    return outputs;
  }

  /** Adds a node with one fresh output; returns its name. */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    hint = opType,
    floatAttributes: readonly string[] = [],
  ): string {
    return this.nodeMulti(opType, inputs, 1, attributes, hint, floatAttributes)[0]!;
  }
}
