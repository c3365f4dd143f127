/**
 * The TRM's two input forms, their shape checks, and the per-task field matrices E^k [B, N, d].
 *
 * - `{ fields }`: K field matrices [B, N, d], one per task.
 * - `{ shared, interests }`: DTRN's form. `shared` [B, F, d] holds the non-sequence fields common to
 *   every task; `interests[k][m]` [B, d] is task k's interest in behavior m (from TIM), K x M. Task k's
 *   field matrix is E^k = concat(shared, stack(interests[k])) along the field axis, so N = F + M.
 */
import { ConfigError, checkLength, checkShape, type ShapeBindings, ShapeError } from '@dtrn/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { ResolvedSenetRefinerArgs } from './args.js';

/** K field matrices [B, N, d], one per task. */
export interface SenetFieldInputs {
  readonly fields: readonly tf.Tensor[];
}

/** Shared fields [B, F, d] plus K x M task-specific interest vectors [B, d] (N = F + M). */
export interface SenetSharedInterestInputs {
  readonly shared: tf.Tensor;
  readonly interests: readonly (readonly tf.Tensor[])[];
}

export type SenetRefinerInputs = SenetFieldInputs | SenetSharedInterestInputs;

type Shape = readonly (number | null)[];

/** Shapes of either input form (batch may be null for symbolic tensors). */
export type SenetInputShapes =
  | { readonly fields: readonly Shape[] }
  | { readonly shared: Shape; readonly interests: readonly (readonly Shape[])[] };

/** Throws unless `inputs` is exactly one of the two forms (by its keys). */
export function checkInputForm(inputs: unknown, where: string): 'fields' | 'sharedInterests' {
  const keys = typeof inputs === 'object' && inputs !== null ? Object.keys(inputs).sort().join(',') : '';
  if (keys === 'fields') return 'fields';
  if (keys === 'interests,shared') return 'sharedInterests';
  throw new ConfigError(`${where} must be { fields } or { shared, interests }`, {
    expected: 'keys "fields", or "shared" and "interests"',
    found: typeof inputs === 'object' && inputs !== null ? `keys [${keys}]` : inputs,
  });
}

/**
 * Checks the input shapes against the args: K tasks, N fields of size d, one batch size.
 * Returns the number of interest fields M (0 for the `fields` form).
 *
 * @throws ShapeError naming the input (e.g. `SenetRefiner inputs.interests[1][0]`), expected and found shapes.
 */
export function checkSenetInputShapes(
  args: ResolvedSenetRefinerArgs,
  shapes: SenetInputShapes,
  where: string,
): number {
  const bindings: ShapeBindings = new Map();
  const { numTasks, numFields, embeddingDim } = args;
  if ('fields' in shapes) {
    checkLength(shapes.fields, numTasks, `${where}.fields (one field matrix per task)`);
    shapes.fields.forEach((shape, task) => {
      checkShape(shape, ['B', numFields, embeddingDim], `${where}.fields[${task}]`, bindings);
    });
    return 0;
  }
  checkLength(shapes.interests, numTasks, `${where}.interests (one list of interests per task)`);
  const numBehaviors = shapes.interests[0]?.length ?? 0;
  if (numBehaviors > numFields) {
    throw new ShapeError(`${where}.interests[0] has more interests than the refiner has fields`, {
      expected: `at most numFields = ${numFields} interests`,
      found: `${numBehaviors} interests`,
    });
  }
  checkShape(shapes.shared, ['B', numFields - numBehaviors, embeddingDim], `${where}.shared`, bindings);
  shapes.interests.forEach((taskInterests, task) => {
    checkLength(taskInterests, numBehaviors, `${where}.interests[${task}] (same M for every task)`);
    taskInterests.forEach((shape, behavior) => {
      checkShape(shape, ['B', embeddingDim], `${where}.interests[${task}][${behavior}]`, bindings);
    });
  });
  return numBehaviors;
}

/** The shapes of eager inputs, for `checkSenetInputShapes`. */
export function senetInputShapes(inputs: SenetRefinerInputs): SenetInputShapes {
  if ('fields' in inputs) return { fields: inputs.fields.map((t) => t.shape) };
  return { shared: inputs.shared.shape, interests: inputs.interests.map((row) => row.map((t) => t.shape)) };
}

/**
 * Splits the Layer's flat input list into one of the two forms: K rank-3 tensors are the `fields`
 * form; otherwise the first is `shared` [B, F, d] and the rest are the K x M interests [B, d] in
 * task-major order (task 0's M behaviors first).
 */
export function splitLayerInputs<T>(
  list: readonly T[],
  ranks: readonly number[],
  numTasks: number,
  where: string,
): { fields: T[] } | { shared: T; interests: T[][] } {
  if (list.length === numTasks && ranks.every((rank) => rank === 3)) {
    return { fields: [...list] };
  }
  const interestCount = list.length - 1;
  if (list.length < 1 || ranks[0] !== 3 || interestCount % numTasks !== 0) {
    throw new ShapeError(`${where}: cannot split the input list into either form`, {
      expected: `${numTasks} field matrices [B, N, d], or 1 shared [B, F, d] followed by ${numTasks} x M interests [B, d]`,
      found: `${list.length} inputs of ranks [${ranks.join(', ')}]`,
    });
  }
  const numBehaviors = interestCount / numTasks;
  const shared = list[0]!;
  const interests: T[][] = [];
  for (let task = 0; task < numTasks; task++) {
    interests.push(list.slice(1 + task * numBehaviors, 1 + (task + 1) * numBehaviors));
  }
  return { shared, interests };
}
