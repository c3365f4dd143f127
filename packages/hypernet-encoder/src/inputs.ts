/** Input types of the encoder, its forward options and outputs, and their shape checks. */
import { checkLength, checkRank, checkShape, type ShapeBindings, ShapeError } from '@dtrn/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { ResolvedHypernetEncoderArgs } from './args.js';

export interface HypernetEncoderInputs {
  /** One per behavior type m: item embeddings [B, L_m, d], padded at the start (newest at L_m - 1). */
  readonly sequences: readonly tf.Tensor[];
  /** One per behavior type m: [B, L_m], 1 = valid, 0 = padding (float32; int32/bool are cast). */
  readonly masks: readonly tf.Tensor[];
  /** Target item embedding, [B, d]. */
  readonly target: tf.Tensor;
}

type Shape = readonly (number | null)[];

/** Shapes of the inputs, for eager tensors and symbolic (Layer) inputs alike. */
export interface HypernetEncoderForwardOptions {
  /** Applies dropout (when the rates are > 0). */
  readonly training: boolean;
  /**
   * Seed of the dropout masks in training. Give a different value per step (e.g. derived from the
   * step number): the same seed gives the same masks. Omitted: unseeded (non-deterministic).
   */
  readonly dropoutSeed?: number;
}

/** u[k][m]: K arrays of M tensors [B, d]. */
export type HypernetEncoderOutputs = tf.Tensor[][];

export interface HypernetEncoderInputShapes {
  readonly sequences: readonly Shape[];
  readonly masks: readonly Shape[];
  readonly target: Shape;
}

/**
 * Throws a ShapeError unless there are M sequences and masks, sequence m is [B, L_m, d], mask m is
 * [B, L_m], the target is [B, d], and (with position embeddings) L_m <= maxSequenceLength.
 */
export function checkHypernetEncoderInputShapes(
  args: ResolvedHypernetEncoderArgs,
  shapes: HypernetEncoderInputShapes,
  where: string,
): void {
  checkLength(shapes.sequences, args.numBehaviors, `${where}: sequences (one per behavior)`);
  checkLength(shapes.masks, args.numBehaviors, `${where}: masks (one per behavior)`);
  const bindings: ShapeBindings = new Map();
  const d = args.embeddingDim;
  shapes.sequences.forEach((shape, m) => {
    checkRank(shape, 3, `${where}: sequences[${m}]`);
    checkShape(shape, ['B', null, d], `${where}: sequences[${m}]`, bindings);
    const length = shape[1] ?? null;
    checkShape(shapes.masks[m]!, ['B', length], `${where}: masks[${m}]`, bindings);
    if (args.positionEmbedding && length !== null && length > args.maxSequenceLength) {
      throw new ShapeError(`${where}: sequences[${m}] is longer than the position table`, {
        expected: `L <= maxSequenceLength (${args.maxSequenceLength})`,
        found: length,
      });
    }
  });
  checkShape(shapes.target, ['B', d], `${where}: target`, bindings);
}

/** The shapes of eager inputs. */
export function hypernetEncoderInputShapes(inputs: HypernetEncoderInputs): HypernetEncoderInputShapes {
  return {
    sequences: inputs.sequences.map((t) => t.shape),
    masks: inputs.masks.map((t) => t.shape),
    target: inputs.target.shape,
  };
}
