/** Dense weights in a ModelState: copies by stable name, validated before anything is assigned. */
import { ShapeError } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';

type DenseState = Readonly<
  Record<string, { readonly shape: readonly number[]; readonly values: Float32Array }>
>;

interface Named {
  readonly name: string;
  readonly variable: tf.Variable;
}

/** Copies of every weight's values and shape, by name. */
export function readDenseState(
  weights: readonly Named[],
): Record<string, { shape: number[]; values: Float32Array }> {
  const out: Record<string, { shape: number[]; values: Float32Array }> = {};
  for (const { name, variable } of weights) {
    out[name] = { shape: [...variable.shape], values: (variable.dataSync() as Float32Array).slice() };
  }
  return out;
}

/** Throws a ShapeError unless `dense` holds exactly the weights, with their shapes and sizes. */
export function checkDenseState(
  weights: readonly Named[],
  dense: DenseState | undefined,
  where: string,
): void {
  if (!dense || typeof dense !== 'object') {
    throw new ShapeError(`${where}: state.dense is missing`, {
      expected: 'an object of weights by name',
      found: dense,
    });
  }
  const names = new Set(weights.map((w) => w.name));
  for (const name of Object.keys(dense)) {
    if (!names.has(name)) {
      throw new ShapeError(`${where}: state.dense has an unknown weight "${name}"`, {
        expected: 'the weights of a model built from the same config',
        found: name,
      });
    }
  }
  for (const { name, variable } of weights) {
    const entry = dense[name];
    const sameShape =
      entry !== undefined &&
      Array.isArray(entry.shape) &&
      entry.shape.length === variable.shape.length &&
      entry.shape.every((dim, i) => dim === variable.shape[i]);
    if (!sameShape || !(entry.values instanceof Float32Array) || entry.values.length !== variable.size) {
      throw new ShapeError(`${where}: weight "${name}" does not fit`, {
        expected: `shape [${variable.shape.join(', ')}] with ${variable.size} float32 values`,
        found: entry ? `shape [${entry.shape?.join(', ')}] with ${entry.values?.length} values` : 'nothing',
      });
    }
  }
}

/** Assigns checked values (call `checkDenseState` first). */
export function assignDenseState(weights: readonly Named[], dense: DenseState): void {
  for (const { name, variable } of weights) {
    const entry = dense[name]!;
    tf.tidy(() => variable.assign(tf.tensor(entry.values, variable.shape, 'float32')));
  }
}

/** Checks then assigns. */
export function restoreDenseState(weights: readonly Named[], dense: DenseState, where: string): void {
  checkDenseState(weights, dense, where);
  assignDenseState(weights, dense);
}
