/** Group AUC: the impression-weighted mean of per-group (per-user) AUC. */
import { aucOfSortedRange } from './auc.js';
import { argsortScores, stableSortByGroup } from './sort.js';
import {
  checkFinite,
  checkGroups,
  checkLabels,
  checkNotEmpty,
  checkSameLength,
  type GroupArray,
  type NumericArray,
} from './validate.js';

export interface GaucResult {
  /** Impression-weighted mean AUC over the groups that have both classes; NaN if there are none. */
  readonly value: number;
  /** Groups with both classes (they enter the mean). */
  readonly groupsUsed: number;
  /** Groups with one class only (AUC undefined, left out). */
  readonly groupsSkipped: number;
}

/**
 * GAUC = sum_g n_g * AUC_g / sum_g n_g over groups g with both classes, n_g the group's number of
 * impressions. Ties within a group count 1/2, as in `auc`.
 */
export function gauc(labels: NumericArray, scores: NumericArray, groups: GroupArray): GaucResult {
  const metric = 'gauc';
  checkSameLength(
    metric,
    { name: 'labels', values: labels },
    { name: 'scores', values: scores },
    { name: 'groups', values: groups },
  );
  checkNotEmpty(labels, 'labels', metric);
  checkLabels(labels, metric);
  checkFinite(scores, metric, 'scores');
  checkGroups(groups, metric);
  const order = argsortScores(scores); // by score
  stableSortByGroup(order, groups); // by group, scores still ascending inside each group
  let weightedSum = 0;
  let impressions = 0;
  let groupsUsed = 0;
  let groupsSkipped = 0;
  const n = order.length;
  let start = 0;
  while (start < n) {
    const group = groups[order[start]!];
    let end = start + 1;
    while (end < n && groups[order[end]!] === group) end++;
    const { value } = aucOfSortedRange(labels, scores, order, start, end);
    if (Number.isNaN(value)) groupsSkipped++;
    else {
      groupsUsed++;
      weightedSum += (end - start) * value;
      impressions += end - start;
    }
    start = end;
  }
  return { value: impressions > 0 ? weightedSum / impressions : Number.NaN, groupsUsed, groupsSkipped };
}
