import * as tf from '@tensorflow/tfjs-core';

export interface GradientCheckOptions {
  /** Finite-difference step. Default 1e-2 (float32 arithmetic needs a large step). */
  readonly epsilon?: number;
  /** Absolute tolerance. Default 2e-3. */
  readonly absoluteTolerance?: number;
  /** Relative tolerance. Default 2e-2. */
  readonly relativeTolerance?: number;
  /** Elements checked per input (spread evenly). Default 12. */
  readonly elementsPerInput?: number;
  /** Names of the inputs, for messages. */
  readonly names?: readonly string[];
}

export interface GradientCheckReport {
  readonly checked: number;
  readonly maxAbsoluteError: number;
  /** Largest |analytic - numeric| / max(|analytic|, |numeric|) over elements with a gradient above tolerance. */
  readonly maxRelativeError: number;
}

/**
 * Compares the analytic gradient of a scalar function with central finite differences,
 * (f(x + e) - f(x - e)) / 2e, on a sample of elements of every input. Throws naming the input and
 * element on the first mismatch; returns the error statistics otherwise. `f` must be deterministic
 * (no dropout).
 */
export function checkGradients(
  f: (...inputs: tf.Tensor[]) => tf.Scalar,
  inputs: readonly tf.Tensor[],
  options: GradientCheckOptions = {},
): GradientCheckReport {
  const epsilon = options.epsilon ?? 1e-2;
  const absoluteTolerance = options.absoluteTolerance ?? 2e-3;
  const relativeTolerance = options.relativeTolerance ?? 2e-2;
  const perInput = options.elementsPerInput ?? 12;
  const analytic = tf.tidy(() =>
    tf
      .grads((...xs: tf.Tensor[]) => f(...xs))([...inputs])
      .map((g) => g.dataSync().slice()),
  );
  let checked = 0;
  let maxAbsoluteError = 0;
  let maxRelativeError = 0;
  inputs.forEach((input, inputIndex) => {
    const values = input.dataSync().slice() as Float32Array;
    const size = values.length;
    const step = Math.max(1, Math.floor(size / perInput));
    for (let element = 0; element < size; element += step) {
      const evaluate = (delta: number) =>
        tf.tidy(() => {
          const shifted = values.slice();
          shifted[element] = shifted[element]! + delta;
          const replaced = [...inputs];
          replaced[inputIndex] = tf.tensor(shifted, input.shape, input.dtype);
          return f(...replaced).dataSync()[0]!;
        });
      const numeric = (evaluate(epsilon) - evaluate(-epsilon)) / (2 * epsilon);
      const exact = analytic[inputIndex]![element]!;
      const error = Math.abs(exact - numeric);
      const scale = Math.max(Math.abs(exact), Math.abs(numeric));
      checked++;
      maxAbsoluteError = Math.max(maxAbsoluteError, error);
      if (scale > absoluteTolerance) maxRelativeError = Math.max(maxRelativeError, error / scale);
      if (error > absoluteTolerance + relativeTolerance * scale || !Number.isFinite(exact)) {
        const name = options.names?.[inputIndex] ?? `input ${inputIndex}`;
        throw new Error(
          `checkGradients: ${name}, element ${element}: analytic ${exact} vs numeric ${numeric} (|difference| ${error.toExponential(3)})`,
        );
      }
    }
  });
  return { checked, maxAbsoluteError, maxRelativeError };
}
