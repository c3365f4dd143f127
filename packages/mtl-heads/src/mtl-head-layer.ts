/**
 * `DtrnMtlHead`: one tfjs Layer for every registered head. It creates the head's weights with
 * `addWeight` under the names `variables()` uses and calls the head's forward function.
 *
 * Inputs: a list `[x_0, ..., x_{K-1}, shared]` (K+1 tensors [B, D]), or one tensor [B, D] used as
 * every task input and as the shared input (baselines). Outputs: K logits [B, 1], then, with
 * `outputGates`, the gate weights [B, E] in the head's `describeGates` order.
 */
import { assertPlainObject, checkString, deriveSeed, optionalBoolean, ShapeError } from '@dtrn/base';
import { registerLayer, seededInitializer } from '@dtrn/core';
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { MtlHeadBaseArgs, MtlHeadInputs, WeightOwner } from './contract.js';
import { type AnyMtlHeadDefinition, getHead } from './registry.js';

type LayerVariable = tfl.LayerVariable;

/** Config of `DtrnMtlHead`: the head's name, its arguments, and the usual layer options. */
export interface MtlHeadLayerArgs {
  /** Registered head name, e.g. `'mmoe'` (see `headNames()`). */
  head: string;
  /** Also output the gate weights after the logits. Default false. */
  outputGates?: boolean;
  /** Layer name (tfjs). */
  name?: string;
  /** Whether the weights train (tfjs). Default true. */
  trainable?: boolean;
  dtype?: tf.DataType;
  inputShape?: tfl.Shape;
  batchInputShape?: tfl.Shape;
  batchSize?: number;
  /**
   * The head's own arguments (e.g. `numTasks`, `numExperts`, `seed`). `inputDim` may be left out:
   * it is then taken from the input shape when the layer is built.
   */
  [headArgument: string]: unknown;
}

const LAYER_KEYS = ['name', 'trainable', 'dtype', 'inputShape', 'batchInputShape', 'batchSize'] as const;

function splitConfig(config: MtlHeadLayerArgs) {
  const layerArgs: Record<string, unknown> = {};
  const headArgs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    // tfjs adds `customObjects` when it deserializes a model; it is not a head argument.
    if (key === 'head' || key === 'outputGates' || key === 'customObjects') continue;
    if ((LAYER_KEYS as readonly string[]).includes(key)) {
      if (value !== undefined) layerArgs[key] = value;
    } else headArgs[key] = value;
  }
  return { layerArgs, headArgs };
}

export class DtrnMtlHead extends tfl.layers.Layer {
  static readonly className = 'DtrnMtlHead';
  /** The head this layer runs. */
  readonly definition: AnyMtlHeadDefinition;
  readonly outputGates: boolean;
  private readonly headArgs: Record<string, unknown>;
  private resolved: MtlHeadBaseArgs | null;
  private readonly weightsByName = new Map<string, LayerVariable>();
  private readonly owners = new Map<string, WeightOwner>();
  private callCount = 0;

  constructor(config: MtlHeadLayerArgs) {
    assertPlainObject(config, 'DtrnMtlHead config');
    const { layerArgs, headArgs } = splitConfig(config);
    super(layerArgs);
    this.definition = getHead(checkString(config.head, 'DtrnMtlHead.head'));
    this.outputGates = optionalBoolean(config.outputGates, false, 'DtrnMtlHead.outputGates');
    this.headArgs = headArgs;
    // Validate now; when inputDim is left to build, validate with a placeholder width.
    this.resolved = null;
    if (headArgs.inputDim === undefined) this.definition.resolveArgs({ ...headArgs, inputDim: 1 });
    else this.resolved = this.definition.resolveArgs(headArgs);
  }

  /** The resolved head arguments (after `build` when `inputDim` comes from the input shape). */
  get headArguments(): MtlHeadBaseArgs {
    if (!this.resolved) throw new ShapeError(`${this.name}: inputDim is known only after the layer is built`);
    return this.resolved;
  }

  private inputShapes(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape[] {
    return Array.isArray(inputShape[0]) ? (inputShape as tfl.Shape[]) : [inputShape as tfl.Shape];
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shapes = this.inputShapes(inputShape);
    const width = shapes[0]!.at(-1);
    if (typeof width !== 'number') {
      throw new ShapeError(`${this.name}: the input width must be known`, { found: shapes[0] });
    }
    const args: MtlHeadBaseArgs =
      this.resolved ?? this.definition.resolveArgs({ ...this.headArgs, inputDim: width });
    this.resolved = args;
    if (width !== args.inputDim) {
      throw new ShapeError(`${this.name}: input width differs from inputDim`, {
        expected: `${args.inputDim} (inputDim)`,
        found: width,
      });
    }
    if (shapes.length !== 1 && shapes.length !== args.numTasks + 1) {
      throw new ShapeError(`${this.name}: wrong number of inputs`, {
        expected: `1 (used for every task) or ${args.numTasks + 1} (K task inputs, then the shared input)`,
        found: shapes.length,
      });
    }
    this.definition.buildParams(args, (spec) => {
      const weight = this.addWeight(
        spec.name,
        [...spec.shape],
        'float32',
        seededInitializer(spec.initializer, args.seed, spec.name, {
          balancedSigns: spec.balancedSigns ?? false,
        }),
      );
      this.weightsByName.set(spec.name, weight);
      this.owners.set(spec.name, spec.owner);
      return weight.read();
    });
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor[] {
    const args = this.headArguments;
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const headInputs: MtlHeadInputs = {
      taskInputs:
        list.length === 1
          ? Array.from({ length: args.numTasks }, () => list[0]!)
          : list.slice(0, args.numTasks),
      sharedInput: list.length === 1 ? list[0]! : list[args.numTasks]!,
    };
    const training = kwargs?.training === true;
    const params = this.definition.buildParams(args, (spec) => this.weightsByName.get(spec.name)!.read());
    const output = this.definition.forward(params, headInputs, args, {
      training,
      returnGates: this.outputGates,
      seed: training ? deriveSeed(args.seed, 'dropout', this.callCount++) : undefined,
    });
    return [...output.logits, ...output.gates.map((gate) => gate.weights)];
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape[] {
    const shapes = this.inputShapes(inputShape);
    const batch = shapes[0]![0] ?? null;
    const args =
      this.resolved ?? this.definition.resolveArgs({ ...this.headArgs, inputDim: shapes[0]!.at(-1) });
    const logits: tfl.Shape[] = Array.from({ length: args.numTasks }, () => [batch, 1]);
    const gates: tfl.Shape[] = this.outputGates
      ? this.definition.describeGates(args).map((gate) => [batch, gate.numExperts])
      : [];
    return [...logits, ...gates];
  }

  /** The layer's weights split into shared and per task, by the head's stable names. */
  headVariables(): { shared: Record<string, LayerVariable>; perTask: Record<string, LayerVariable>[] } {
    const args = this.headArguments;
    const shared: Record<string, LayerVariable> = {};
    const perTask: Record<string, LayerVariable>[] = Array.from({ length: args.numTasks }, () => ({}));
    for (const [name, weight] of this.weightsByName) {
      const owner = this.owners.get(name)!;
      if (owner === 'shared') shared[name] = weight;
      else perTask[owner]![name] = weight;
    }
    return { shared, perTask };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      head: this.definition.name,
      outputGates: this.outputGates,
      ...((this.resolved ?? this.headArgs) as unknown as tf.serialization.ConfigDict),
    };
  }
}
registerLayer(DtrnMtlHead);

/** A `DtrnMtlHead` layer for any registered head: `mtlHead({ head: 'mmoe', numTasks: 3 })`. */
export function mtlHead(config: MtlHeadLayerArgs): DtrnMtlHead {
  return new DtrnMtlHead(config);
}

/** Shorthands: the layer for one built-in head. */
export function sharedBottom(config: Omit<MtlHeadLayerArgs, 'head'> = {}): DtrnMtlHead {
  return new DtrnMtlHead({ ...config, head: 'shared-bottom' });
}
export function mmoe(config: Omit<MtlHeadLayerArgs, 'head'> = {}): DtrnMtlHead {
  return new DtrnMtlHead({ ...config, head: 'mmoe' });
}
export function ple(config: Omit<MtlHeadLayerArgs, 'head'> = {}): DtrnMtlHead {
  return new DtrnMtlHead({ ...config, head: 'ple' });
}
