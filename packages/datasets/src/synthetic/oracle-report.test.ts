import { isDataError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { rankAuc } from '../testing/synthetic.js';
import { mmoeDataToDataset } from './mmoe-dataset.js';
import { generateMmoeData } from './mmoe-generator.js';
import { generateMultiBehaviorData } from './multi-behavior-generator.js';
import { oracleReport } from './oracle-report.js';
import { syntheticPreset } from './presets.js';

describe('oracleReport', () => {
  const dataset = generateMultiBehaviorData(
    syntheticPreset('sequence-conflict', 'tiny', { numSamples: 2000 }),
  );

  it('returns labels and every oracle kind on each task sample space', () => {
    const [click, conversion] = oracleReport(dataset);
    expect(click!.task).toBe('click');
    expect(click!.size).toBe(2000);
    expect(click!.positives).toBe(400);
    expect(conversion!.task).toBe('conversion');
    expect(conversion!.size).toBe(400);
    expect(conversion!.positives).toBe(40);
    expect(Object.keys(conversion!.logits).sort()).toEqual([
      'oracle',
      'oracle-no-sequence',
      'oracle-no-user-item',
      'oracle-sequence-only',
    ]);
    // The conversion rows are exactly the clicked rows, in order.
    const clicked = Array.from({ length: 2000 }, (_, row) => row).filter(
      (row) => dataset.labels[0]![row] === 1,
    );
    expect(Array.from(conversion!.logits.oracle!)).toEqual(
      clicked.map((row) => dataset.extras!['oracle/conversion']![row]),
    );
    expect(rankAuc(click!.labels, click!.logits.oracle!)).toBeGreaterThan(0.75);
  });

  it('refuses datasets without true logits', () => {
    const plain = mmoeDataToDataset(generateMmoeData({ numSamples: 10, inputDim: 3, binarise: true }));
    let error: unknown;
    try {
      oracleReport(plain);
    } catch (caught) {
      error = caught;
    }
    expect(isDataError(error)).toBe(true);
    expect((error as Error).message).toContain('oracleReport: no true logits for task "task0"');
  });
});
