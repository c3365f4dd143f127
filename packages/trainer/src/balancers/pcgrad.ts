/**
 * PCGrad, gradient surgery (Yu et al., "Gradient Surgery for Multi-Task Learning", NeurIPS 2020).
 * On the shared inputs, each task's gradient g_i is projected, in a random order of the other
 * tasks j, off every g_j it conflicts with (negative inner product):
 *
 *   g_i <- g_i - min(0, g_i . g_j) / ||g_j||^2 * g_j
 *
 * and the projected gradients are summed. Task-owned inputs get their own task's gradient. Inner
 * products span all shared inputs together (embedding inputs and shared dense variables) as one
 * vector. Task weights (default 1) scale each L_k before the surgery.
 */
import { ConfigError, Rng } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';
import type { GradientCombination, LossBalancer } from './balancer.js';
import { FixedWeightsBalancer } from './fixed-weights.js';
import { weightedGradientSum } from './weighted-sum.js';

/** Smallest squared norm divided by (a zero gradient conflicts with nothing). */
const TINY = 1e-30;

function dot(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): tf.Scalar {
  return tf.addN(a.map((part, index) => tf.sum(tf.mul(part, b[index]!)))) as tf.Scalar; // []
}

/**
 * PCGrad projection of K gradients, each a list of tensors (one per shared input, same shapes
 * across tasks). `orders[i]` is the order in which task i visits the other tasks. Returns the
 * projected gradients (new tensors), task by task.
 */
export function projectConflictingGradients(
  gradients: readonly (readonly tf.Tensor[])[],
  orders: readonly (readonly number[])[],
): tf.Tensor[][] {
  return tf.tidy(() => {
    const squaredNorms = gradients.map((g) => dot(g, g)); // K x []
    return gradients.map((original, task) => {
      let projected: tf.Tensor[] = [...original];
      for (const other of orders[task] ?? []) {
        if (other === task) continue;
        const otherGradient = gradients[other]!;
        const coefficient = tf.div(
          tf.minimum(dot(projected, otherGradient), 0),
          tf.maximum(squaredNorms[other]!, TINY),
        ); // []
        projected = projected.map((part, index) => tf.sub(part, tf.mul(coefficient, otherGradient[index]!)));
      }
      return projected;
    });
  });
}

/** A random order of the other tasks for every task, from a seeded generator. */
export function pcgradOrders(taskCount: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: taskCount }, (_, task) => {
    const others = Array.from({ length: taskCount }, (_, j) => j).filter((j) => j !== task);
    return rng.shuffle(others);
  });
}

export class PcgradBalancer extends FixedWeightsBalancer implements LossBalancer {
  readonly method = 'pcgrad';
  readonly gradientMode = 'perTask' as const;

  combineLosses(_taskLosses: readonly tf.Scalar[]): tf.Scalar {
    throw new ConfigError('the pcgrad balancer combines gradients, not losses');
  }

  combineGradients(combination: GradientCombination): (tf.Tensor | null)[] {
    const { inputs, taskGradients, sharedInputs } = combination;
    const shared = new Set(sharedInputs);
    const result: (tf.Tensor | null)[] = inputs.map((_, input) =>
      shared.has(input) ? null : weightedGradientSum(taskGradients, input, this.weights),
    );
    if (sharedInputs.length === 0) return result;
    const projectedSums = tf.tidy(() => {
      const weighted = taskGradients.map((gradients, task) =>
        sharedInputs.map((input) => {
          const gradient = gradients[input];
          return gradient ? tf.mul(gradient, this.weights[task]!) : tf.zerosLike(inputs[input]!);
        }),
      ); // K x S
      const projected = projectConflictingGradients(
        weighted,
        pcgradOrders(taskGradients.length, combination.seed),
      );
      return sharedInputs.map((_, index) => tf.addN(projected.map((task) => task[index]!)));
    });
    sharedInputs.forEach((input, index) => {
      result[input] = projectedSums[index]!;
    });
    return result;
  }
}
