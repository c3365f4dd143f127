/**
 * The loss-balancer contract. A balancer turns K task losses (or K task gradients) into one update
 * and never looks at the model's type: it sees only losses, gradients, and which inputs are shared.
 *
 * - `combined` balancers (equal, fixed, uncertainty) give one scalar objective; the trainer runs
 *   one backward pass through it, with respect to the embedding inputs, the dense variables and
 *   the balancer's own `variables` (trained by the same dense optimizer).
 * - `perTask` balancers (GradNorm, PCGrad) get dL_k/dx for every task k and input x (one backward
 *   pass per task) and return the gradient to apply per input.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** A JSON value (balancer state goes into checkpoints). */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** What a perTask balancer gets each step. */
export interface GradientCombination {
  /** The differentiated inputs: embedding inputs, then dense variables (shapes for missing gradients). */
  readonly inputs: readonly tf.Tensor[];
  /** [K][X]: dL_k / d inputs[x], or null when L_k does not depend on inputs[x]. Owned by the caller. */
  readonly taskGradients: readonly (readonly (tf.Tensor | null)[])[];
  /** Indices of inputs every task shares: embedding inputs and `variableGroups.shared`. */
  readonly sharedInputs: readonly number[];
  /** Indices of `variableGroups.shared` only (GradNorm measures gradient norms there). */
  readonly sharedDenseInputs: readonly number[];
  /** L_k of this step as numbers (finite: checked before). */
  readonly taskLosses: readonly number[];
  /** Seed of this step, for balancers that draw random numbers (PCGrad's task order). */
  readonly seed: number;
}

export interface LossBalancer {
  /** Method name, e.g. `uncertainty`. */
  readonly method: string;
  readonly gradientMode: 'combined' | 'perTask';
  /** Extra trainable parameters (combined mode only), updated by the trainer's dense optimizer. */
  readonly variables: readonly tf.Variable[];
  /** Combined mode: the objective from the task losses (called inside the gradient scope). */
  combineLosses(taskLosses: readonly tf.Scalar[]): tf.Scalar;
  /**
   * PerTask mode: one gradient per input (null: leave that input alone), new tensors the caller
   * disposes. May update the balancer's own state (GradNorm's weights).
   */
  combineGradients(combination: GradientCombination): (tf.Tensor | null)[];
  /** Current weight of each task's loss (uncertainty: exp(-s_k)). */
  taskWeights(): number[];
  /** Value of the objective reported for a step, from the task losses. */
  objective(taskLosses: readonly number[]): number;
  getState(): JsonValue;
  setState(state: JsonValue): void;
  dispose(): void;
}
