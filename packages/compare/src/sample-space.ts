/**
 * Each task is measured on its own sample space (e.g. conversion on clicked rows): the rows whose
 * sample mask is 1, or every row when the task has no mask.
 */
import type { InMemoryDataset } from '@dtrn/data';

/** The values of `values` on the rows where `mask` is 1 (all of them without a mask). */
export function inSampleSpace(values: Float32Array, mask: Float32Array | undefined): Float32Array {
  if (!mask) return values;
  const kept: number[] = [];
  for (let row = 0; row < values.length; row++) if (mask[row] === 1) kept.push(values[row]!);
  return Float32Array.from(kept);
}

/** One seed's test labels and every model's probabilities, per task, on the task's sample space. */
export type SeedScores = Map<
  string,
  { readonly labels: Float32Array; readonly scores: Map<string, Float32Array> }
>;

/** The scores of one seed: per task, the test labels and each model's predictions on its sample space. */
export function seedScores(
  test: InMemoryDataset,
  predictions: ReadonlyMap<string, readonly Float32Array[]>,
): SeedScores {
  const scores: SeedScores = new Map();
  test.schema.tasks.forEach((task, k) => {
    const mask = test.sampleMasks[k];
    const byModel = new Map<string, Float32Array>();
    for (const [model, perTask] of predictions) byModel.set(model, inSampleSpace(perTask[k]!, mask));
    scores.set(task.name, { labels: inSampleSpace(test.labels[k]!, mask), scores: byModel });
  });
  return scores;
}
