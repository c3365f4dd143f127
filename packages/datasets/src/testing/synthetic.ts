/** Helpers for this folder's tests (Node only; not exported by the package). */
import { createHash } from 'node:crypto';
import type { InMemoryDataset } from '@dtrn/data';
import { generateMultiBehaviorData, type SyntheticDataset } from '../synthetic/multi-behavior-generator.js';
import { SYNTHETIC_SPARSE_FIELDS } from '../synthetic/multi-behavior-schema.js';
import { type SyntheticSetting, syntheticPreset } from '../synthetic/presets.js';

/**
 * Exact AUC by ranks (Mann-Whitney U with tied scores sharing their average rank): the share of
 * (positive, negative) pairs ordered correctly, ties counting one half.
 */
export function rankAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]!] === scores[order[start]!]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) {
      if (labels[order[i]!] === 1) {
        positives++;
        rankSum += averageRank;
      }
    }
    start = end + 1;
  }
  const negatives = order.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** SHA-256 over every column of a dataset (and the schema), in a fixed order. */
export function hashDataset(dataset: InMemoryDataset): string {
  const hash = createHash('sha256');
  const add = (array: ArrayBufferView | undefined) => {
    if (array) hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    else hash.update('undefined');
  };
  hash.update(JSON.stringify(dataset.schema));
  for (const column of dataset.sparse) add(column);
  for (const column of dataset.dense) add(column);
  for (const sequence of dataset.sequences) {
    add(sequence.items);
    for (const side of sequence.sideFields) add(side);
  }
  for (const column of dataset.labels) add(column);
  for (const column of dataset.sampleMasks) add(column);
  add(dataset.groups);
  add(dataset.timestamps);
  for (const key of Object.keys(dataset.extras ?? {}).sort()) {
    hash.update(key);
    add(dataset.extras?.[key]);
  }
  return hash.digest('hex');
}

/** Pearson correlation of two columns. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i]! / n;
    meanB += b[i]! / n;
  }
  let cov = 0;
  let varA = 0;
  let varB = 0;
  for (let i = 0; i < n; i++) {
    cov += (a[i]! - meanA) * (b[i]! - meanB);
    varA += (a[i]! - meanA) ** 2;
    varB += (b[i]! - meanB) ** 2;
  }
  return cov / Math.sqrt(varA * varB);
}

/** Tiny presets, generated once per test file. */
const generated = new Map<string, SyntheticDataset>();
export function tiny(setting: SyntheticSetting): SyntheticDataset {
  let dataset = generated.get(setting);
  if (!dataset) {
    dataset = generateMultiBehaviorData(syntheticPreset(setting, 'tiny'));
    generated.set(setting, dataset);
  }
  return dataset;
}

export function sparseColumn(
  dataset: SyntheticDataset,
  name: (typeof SYNTHETIC_SPARSE_FIELDS)[number],
): Int32Array {
  return dataset.sparse[SYNTHETIC_SPARSE_FIELDS.indexOf(name)]!;
}

/** Positive rate of `labels` over the rows where `mask` is 1 (all rows without a mask). */
export function rate(labels: Float32Array, mask?: Float32Array): number {
  let positives = 0;
  let count = 0;
  labels.forEach((label, row) => {
    if (mask && mask[row] === 0) return;
    positives += label;
    count++;
  });
  return positives / count;
}
