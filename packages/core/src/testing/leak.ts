import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `fn` (sync or async) and throws if it leaves more tensors alive than before. Dispose what
 * `fn` creates inside it; set `allowed` for tensors it is meant to keep (e.g. new weights).
 * Returns what `fn` returned.
 */
export async function expectNoLeakedTensors<T>(
  fn: () => T | Promise<T>,
  options: { label?: string; allowed?: number } = {},
): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const after = tf.memory().numTensors;
  const leaked = after - before - (options.allowed ?? 0);
  if (leaked !== 0) {
    throw new Error(
      `${options.label ?? 'expectNoLeakedTensors'}: tensor count changed by ${after - before} (before ${before}, after ${after}, allowed ${options.allowed ?? 0})`,
    );
  }
  return result;
}
