import { createRng } from '@dtrn/base';
import { type InMemoryDataset, sampleMasksFor } from '@dtrn/data';
import { tinyDataset } from '@dtrn/data/testing';
import { describe, expect, it } from 'vitest';
import { findLeakyFeatures, formatLeakageReport, type LeakageFinding } from './find-leaky-features.js';

/** The tiny dataset with a planted leak: item_category is 1 exactly on clicked rows (2 otherwise). */
function leakyDataset(): InMemoryDataset {
  const ds = tinyDataset(400, 3);
  const rng = createRng(5);
  for (let row = 0; row < ds.size; row++) {
    (ds.sparse[2] as Int32Array)[row] = ds.labels[0]![row] === 1 ? 1 : 2 + rng.int(3);
    (ds.dense[0] as Float32Array)[row] = ds.labels[1]![row]!; // price equals the conversion label
    (ds.sparse[0] as Int32Array)[row] = 1 + (row % 9);
  }
  sampleMasksFor(ds.schema, ds.labels, ds.sampleMasks);
  return ds;
}

const find = (findings: readonly LeakageFinding[], field: string, task: string) =>
  findings.find((finding) => finding.field === field && finding.task === task)!;

describe('findLeakyFeatures', () => {
  it('flags a sparse field that encodes a label and a dense copy of a label, and nothing else', () => {
    const report = findLeakyFeatures(leakyDataset());
    expect(report.rowsChecked).toBe(400);
    expect(report.findings).toHaveLength(4 * 2);
    expect(report.leaky.map((finding) => `${finding.field}/${finding.task}`).sort()).toEqual([
      'item_category/click',
      'price/conversion',
    ]);
    const category = find(report.findings, 'item_category', 'click');
    expect(category).toMatchObject({ kind: 'sparse', distinctValues: 4, impureValues: 0, coverage: 1 });
    expect(category.outOfFoldAuc).toBe(1);
    const price = find(report.findings, 'price', 'conversion');
    expect(price.rawAuc).toBe(1);
    // conversion is only checked on clicked rows
    const clicks = Array.from(leakyDataset().labels[0]!).filter((label) => label === 1).length;
    expect(price.rows).toBe(clicks);
    const user = find(report.findings, 'user_id', 'click');
    expect(user.determinesLabel).toBe(false);
    expect(user.impureValues).toBeGreaterThan(0);
    expect(user.outOfFoldAuc!).toBeLessThan(0.65);
    expect(formatLeakageReport(report)).toContain(
      'sparse field "item_category" determines task "click": 4 values, coverage 100.0%, out-of-fold AUC 1.0000',
    );
  });

  it('does not flag ids unique per row, however pure they are', () => {
    const ds = leakyDataset();
    for (let row = 0; row < ds.size; row++) (ds.sparse[0] as Int32Array)[row] = row;
    // out of the id space on purpose: the check does not need valid ids, only values
    const report = findLeakyFeatures(ds);
    const user = find(report.findings, 'user_id', 'click');
    expect(user).toMatchObject({
      distinctValues: 400,
      supportedValues: 0,
      coverage: 0,
      determinesLabel: false,
    });
    expect(user.outOfFoldAuc).toBe(0.5);
  });

  it('honours maxRows and validates its arguments', () => {
    const report = findLeakyFeatures(leakyDataset(), { maxRows: 50 });
    expect(report.rowsChecked).toBe(50);
    expect(find(report.findings, 'user_id', 'click').rows).toBe(50);
    expect(formatLeakageReport(findLeakyFeatures(tinyDataset(40)))).toBe(
      'leakage check: no feature determines a label (40 rows, 8 field/task pairs)',
    );
    expect(() => findLeakyFeatures(leakyDataset(), { minSupport: 1 })).toThrow(
      'LeakageArgs.minSupport is invalid',
    );
    expect(() => findLeakyFeatures(leakyDataset(), { maxRow: 3 } as never)).toThrow(
      'did you mean "maxRows"?',
    );
  });
});
