/**
 * `DtrnHypernetEncoder`: the TIM encoder as a tfjs Layer. It owns the same weights (names, shapes,
 * seeded values) as `createHypernetEncoderParams`, flat through `addWeight`, and calls
 * `hypernetEncoderForward`. Inputs: [sequence_0..sequence_{M-1}, mask_0..mask_{M-1}, target];
 * outputs: K * M tensors [B, d], task-major (output k * M + m is u[k][m]).
 */
import { assertPlainObject, deriveSeed } from '@dtrn/base';
import { ConfigError, registerLayer, seededInitializer } from '@dtrn/core';
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  type HypernetEncoderArgs,
  type ResolvedHypernetEncoderArgs,
  resolveHypernetEncoderArgs,
} from './args.js';
import { hypernetEncoderForward } from './forward.js';
import {
  type GeneratedLayerNorms,
  hypernetEncoderLayerNorms,
  hypernetEncoderLayerNormsFor,
} from './hypernetwork.js';
import { checkHypernetEncoderInputShapes, type HypernetEncoderInputShapes } from './inputs.js';
import {
  type HypernetEncoderParams,
  hypernetEncoderParamsFromRecord,
  hypernetEncoderWeightSpecs,
} from './params.js';

/** Keys handled by the base Layer; every other key must be a `HypernetEncoderArgs` field. */
const LAYER_KEYS = ['name', 'trainable', 'dtype', 'batchInputShape', 'inputShape', 'batchSize', 'inputDType'];

/** `HypernetEncoderArgs` plus the usual tfjs layer options. */
export type DtrnHypernetEncoderArgs = HypernetEncoderArgs & {
  name?: string;
  trainable?: boolean;
  dtype?: tf.DataType;
  batchInputShape?: tfl.Shape;
  inputShape?: tfl.Shape;
  batchSize?: number;
  inputDType?: tf.DataType;
};

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];

type ShapeList = (number | null)[][];

function splitArgs(raw: unknown): { encoder: Record<string, unknown>; layer: Record<string, unknown> } {
  assertPlainObject(raw, 'DtrnHypernetEncoder args');
  const encoder: Record<string, unknown> = {};
  const layer: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'customObjects') continue; // added by tfjs's deserializer, not a config field
    if (LAYER_KEYS.includes(key)) layer[key] = value;
    else encoder[key] = value;
  }
  return { encoder, layer };
}

export class DtrnHypernetEncoder extends tfl.layers.Layer {
  static readonly className = 'DtrnHypernetEncoder';
  /** The resolved configuration. */
  readonly encoderArgs: ResolvedHypernetEncoderArgs;
  private weightsByName: Record<string, tfl.LayerVariable> = {};
  /** Counts training calls, so each gets its own dropout masks (deterministic given `seed`). */
  private trainingCalls = 0;

  constructor(args: DtrnHypernetEncoderArgs) {
    const { encoder, layer } = splitArgs(args);
    super(layer as LayerArgs);
    this.encoderArgs = resolveHypernetEncoderArgs(encoder);
  }

  private inputShapes(inputShape: tfl.Shape | tfl.Shape[], where: string): HypernetEncoderInputShapes {
    const numBehaviors = this.encoderArgs.numBehaviors;
    const shapes = inputShape as ShapeList;
    if (!Array.isArray(shapes[0]) || shapes.length !== 2 * numBehaviors + 1) {
      throw new ConfigError(`${where}: wrong number of inputs`, {
        expected: `a list of ${2 * numBehaviors + 1} inputs (${numBehaviors} sequences, ${numBehaviors} masks, target)`,
        found: Array.isArray(shapes[0]) ? `${shapes.length} inputs` : 'one input',
      });
    }
    const shapesChecked = {
      sequences: shapes.slice(0, numBehaviors),
      masks: shapes.slice(numBehaviors, 2 * numBehaviors),
      target: shapes[2 * numBehaviors]!,
    };
    checkHypernetEncoderInputShapes(this.encoderArgs, shapesChecked, where);
    return shapesChecked;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    this.inputShapes(inputShape, `${this.name} build`);
    for (const spec of hypernetEncoderWeightSpecs(this.encoderArgs)) {
      this.weightsByName[spec.name] = this.addWeight(
        spec.name,
        [...spec.shape],
        'float32',
        seededInitializer(spec.initializer, this.encoderArgs.seed, spec.name),
      );
    }
    this.built = true;
  }

  /** The current weights as forward-function params (no copies). Requires a built layer. */
  readParams(): HypernetEncoderParams {
    if (!this.built) {
      throw new ConfigError(`${this.name}: the layer is not built yet`, {
        expected: 'a built layer (apply it to inputs first)',
        found: 'unbuilt',
      });
    }
    const values: Record<string, tf.Tensor> = {};
    for (const [name, variable] of Object.entries(this.weightsByName)) values[name] = variable.read();
    return hypernetEncoderParamsFromRecord(this.encoderArgs, values);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    this.inputShapes(
      list.map((t) => t.shape),
      `${this.name} call`,
    );
    const numBehaviors = this.encoderArgs.numBehaviors;
    const training = kwargs?.training ?? false;
    const dropoutSeed = training
      ? deriveSeed(this.encoderArgs.seed, 'dropout', this.trainingCalls++)
      : undefined;
    const outputs = hypernetEncoderForward(
      this.readParams(),
      {
        sequences: list.slice(0, numBehaviors),
        masks: list.slice(numBehaviors, 2 * numBehaviors),
        target: list[2 * numBehaviors]!,
      },
      { training, dropoutSeed },
    );
    return outputs.flat(); // K*M x [B, d], task-major
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape[] {
    const shapes = this.inputShapes(inputShape, `${this.name} computeOutputShape`);
    const batch = shapes.target[0] ?? null;
    const { numTasks, numBehaviors, embeddingDim } = this.encoderArgs;
    return Array.from({ length: numTasks * numBehaviors }, () => [batch, embeddingDim]);
  }

  /** The generated (gamma, beta) of every pair ([K, M, 2 * numBlocks, d]) or of one pair ([2 * numBlocks, d]). Caller disposes. */
  layerNorms(taskIndex?: number, behaviorIndex?: number): GeneratedLayerNorms {
    const params = this.readParams();
    if (taskIndex === undefined && behaviorIndex === undefined) return hypernetEncoderLayerNorms(params);
    return hypernetEncoderLayerNormsFor(params, taskIndex ?? 0, behaviorIndex ?? 0);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { maxSequenceLength, poolingUnits, ...rest } = this.encoderArgs;
    return {
      ...super.getConfig(),
      ...rest,
      ...(rest.positionEmbedding ? { maxSequenceLength } : {}),
      poolingUnits: [...poolingUnits],
    };
  }
}
registerLayer(DtrnHypernetEncoder);

/** Creates a `DtrnHypernetEncoder` layer. */
export function hypernetEncoder(args: DtrnHypernetEncoderArgs): DtrnHypernetEncoder {
  return new DtrnHypernetEncoder(args);
}
