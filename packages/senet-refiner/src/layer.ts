/**
 * `DtrnSenetRefiner`: the TRM as a tfjs Layer. It owns the same weights as
 * `createSenetRefinerParams` (same names, shapes and seeded values), created flat with `addWeight`
 * in `build`, and calls `senetRefinerForward` in `call`.
 *
 * Inputs (a list): K field matrices [B, N, d]; or `shared` [B, F, d] followed by the K x M interests
 * [B, d] in task-major order. Outputs (a list of 2K): the K bottoms [B, N*d], then the K field
 * weights [B, N].
 */
import {
  addDenseWeights,
  ConfigError,
  type DenseWeights,
  registerLayer,
  type WeightFactory,
} from '@dtrn/core';
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type ResolvedSenetRefinerArgs, resolveSenetRefinerArgs, type SenetRefinerArgs } from './args.js';
import { senetRefinerForward } from './forward.js';
import { checkSenetInputShapes, splitLayerInputs } from './inputs.js';
import {
  type SenetRefinerParams,
  type SenetTaskParams,
  senetExcitationPrefix,
  senetInitializers,
  senetWeightShapes,
} from './params.js';

/** Keys of tfjs's own LayerArgs the layer accepts besides `SenetRefinerArgs`. */
const LAYER_KEYS = [
  'name',
  'trainable',
  'dtype',
  'batchInputShape',
  'inputShape',
  'batchSize',
  'inputDType',
] as const;

/** `SenetRefinerArgs` plus the usual tfjs layer options (name, trainable, ...). */
export type SenetRefinerLayerArgs = SenetRefinerArgs & {
  name?: string;
  trainable?: boolean;
  dtype?: tf.DataType;
  batchInputShape?: tfl.Shape;
  inputShape?: tfl.Shape;
  batchSize?: number;
  inputDType?: tf.DataType;
};

function splitLayerArgs(raw: unknown): { layerArgs: Record<string, unknown>; blockArgs: unknown } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { layerArgs: {}, blockArgs: raw };
  }
  const layerArgs: Record<string, unknown> = {};
  const blockArgs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if ((LAYER_KEYS as readonly string[]).includes(key)) layerArgs[key] = value;
    else blockArgs[key] = value;
  }
  return { layerArgs, blockArgs };
}

type LayerShape = (number | null)[];

function shapeList(inputShape: tfl.Shape | tfl.Shape[]): LayerShape[] {
  return Array.isArray(inputShape[0]) ? (inputShape as LayerShape[]) : [inputShape as LayerShape];
}

export class DtrnSenetRefiner extends tfl.layers.Layer {
  static readonly className = 'DtrnSenetRefiner';
  /** The resolved block arguments. */
  readonly args: ResolvedSenetRefinerArgs;
  private taskWeights: { hidden: DenseWeights; output: DenseWeights }[] = [];

  constructor(args: SenetRefinerLayerArgs) {
    const { layerArgs, blockArgs } = splitLayerArgs(args);
    const resolved = resolveSenetRefinerArgs(blockArgs);
    super(layerArgs as ConstructorParameters<typeof tfl.layers.Layer>[0]);
    this.args = resolved;
  }

  private checkShapes(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shapes = shapeList(inputShape);
    const where = `${this.name} inputs`;
    const split = splitLayerInputs(
      shapes,
      shapes.map((s) => s.length),
      this.args.numTasks,
      where,
    );
    checkSenetInputShapes(this.args, split, where);
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    this.checkShapes(inputShape);
    const { squeezeWidth, hiddenUnits } = senetWeightShapes(this.args);
    const [hiddenOptions, outputOptions] = senetInitializers(this.args);
    const addWeight: WeightFactory = (name, shape, initializer, trainable) =>
      this.addWeight(name, shape, 'float32', initializer, undefined, trainable);
    this.taskWeights = [];
    for (let task = 0; task < this.args.numTasks; task++) {
      const prefix = senetExcitationPrefix(task);
      this.taskWeights.push({
        hidden: addDenseWeights(addWeight, `${prefix}/0`, squeezeWidth, hiddenUnits, hiddenOptions),
        output: addDenseWeights(addWeight, `${prefix}/1`, hiddenUnits, this.args.numFields, outputOptions),
      });
    }
    this.built = true;
  }

  /** The current weights as forward-function params (no copies), for `senetRefinerForward`. */
  readParams(): SenetRefinerParams {
    if (!this.built) {
      throw new ConfigError(`${this.name}: readParams() called before the layer was built`, {
        expected: 'a built layer (apply it to inputs first)',
        found: 'an unbuilt layer',
      });
    }
    const tasks: SenetTaskParams[] = this.taskWeights.map(({ hidden, output }) => ({
      excitation: [
        { kernel: hidden.kernel.read(), bias: hidden.bias!.read() },
        { kernel: output.kernel.read(), bias: output.bias!.read() },
      ],
    }));
    return { args: this.args, tasks };
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean } = {}): tf.Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const split = splitLayerInputs(
      list,
      list.map((t) => t.rank),
      this.args.numTasks,
      `${this.name} inputs`,
    );
    const { bottoms, fieldWeights } = senetRefinerForward(this.readParams(), split, {
      training: kwargs.training === true,
    });
    return [...bottoms, ...fieldWeights];
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape[] {
    this.checkShapes(inputShape);
    const batch = shapeList(inputShape)[0]![0] ?? null;
    const { numTasks, numFields, embeddingDim } = this.args;
    const bottoms = Array.from({ length: numTasks }, () => [batch, numFields * embeddingDim]);
    const weights = Array.from({ length: numTasks }, () => [batch, numFields]);
    return [...bottoms, ...weights];
  }

  /**
   * Rebuilds the layer from `getConfig()` output. tfjs-layers' deserializer adds a `customObjects` key
   * to every config; it is dropped here so the strict argument check only sees real arguments.
   */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { customObjects: _ignored, ...rest } = config;
    return new cls(rest);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
registerLayer(DtrnSenetRefiner);

/** Creates a `DtrnSenetRefiner` layer (the lowercase factory, as tfjs's `tf.layers.dense`). */
export function senetRefiner(args: SenetRefinerLayerArgs): DtrnSenetRefiner {
  return new DtrnSenetRefiner(args);
}
