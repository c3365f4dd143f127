import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fileSource } from '../../src/loaders/io/file-source.js';
import { loadOtto, streamOtto } from '../../src/loaders/otto/load-otto.js';

const fixture = fileURLToPath(new URL('../fixtures/otto/otto_sample_train.jsonl', import.meta.url));

describe('OTTO loader on the real 20-session sample', () => {
  it('counts sessions and events by type exactly', async () => {
    const { report } = await loadOtto(fileSource(fixture));
    expect(report.counts).toEqual({ sessions: 20, events: 862, clicks: 800, carts: 52, orders: 10 });
    expect(report.file.rowsRead).toBe(20);
    expect(report.file.rowsUsed + report.file.rowsFiltered).toBe(20);
    expect(report.file.rowsSkipped).toBe(0);
  });
});
