/**
 * `dtrn inspect` as a user walks it: `dtrn train` a tiny DTRN-PLE, then `dtrn inspect --knockout`
 * on the run; the printed tables, the JSON file and the JSON-lines event agree, the knock-outs
 * restore the model, and a directory without a saved model is a clear error.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../src/program.js';
import { captureStreams } from './helpers/capture.js';

async function dtrn(args: string[]) {
  const streams = captureStreams();
  const { program, context } = createProgram({ streams });
  await program.parseAsync(['node', 'dtrn', ...args]);
  return { exitCode: context.exitCode, out: streams.out(), err: streams.err() };
}

const TRAIN = [
  'name: inspect-test',
  'data: { kind: synthetic, setting: full-conflict, size: tiny, generator: { numSamples: 800, sequenceLength: 6 } }',
  'model: dtrn-ple',
  'modelOverrides: { embeddingDim: 8, encoder: { feedForwardDim: 8 }, headArgs: { expertUnits: [8], towerUnits: [4] } }',
  'training: { epochs: 1, batchSize: 128, patience: 0 }',
].join('\n');

describe('dtrn inspect', () => {
  const root = mkdtempSync(join(tmpdir(), 'dtrn-inspect-'));
  const run = join(root, 'run');

  beforeAll(async () => {
    writeFileSync(join(root, 'train.yaml'), TRAIN);
    const trained = await dtrn([
      'train',
      '--config',
      join(root, 'train.yaml'),
      '--out',
      run,
      '--backend',
      'wasm',
      '--workers',
      '1',
      '-q',
    ]);
    expect(trained.exitCode).toBe(0);
  }, 120_000);

  it('prints what TIM and TRM learned, writes inspection-test.json, and the knock-outs leave the model as trained', async () => {
    const first = await dtrn(['inspect', '--run', run, '--backend', 'wasm', '--rows', '50', '--knockout']);
    expect(first.exitCode).toBe(0);
    for (const title of [
      'TIM: LayerNorms generated per task and behavior',
      'TRM field weights per task',
      'Task bottoms',
      'Knock-outs: test AUC',
    ]) {
      expect(first.out).toContain(title);
    }
    const saved = JSON.parse(readFileSync(join(run, 'inspection-test.json'), 'utf8'));
    expect(saved.model).toBe('dtrn-ple');
    expect(saved.analysis.rows).toBe(50);
    expect(saved.analysis.bottom).toBe('dtrn');
    // 2 tasks x 3 behaviors of the synthetic data, one generated LayerNorm shift each, moved by training.
    expect(saved.analysis.layerNorms.shifts).toHaveLength(6);
    expect(saved.analysis.layerNorms.shifts.every((s: { gammaShift: number }) => s.gammaShift > 0)).toBe(
      true,
    );
    expect(saved.analysis.fieldWeights.mean).toHaveLength(2);
    expect(saved.analysis.taskBottoms[0].tasks).toEqual(['click', 'conversion']);
    expect(
      saved.knockouts.results.map((r: { module: string; knockout: string }) => `${r.module} ${r.knockout}`),
    ).toEqual(['tim swap', 'tim reset', 'trm swap', 'trm reset']);
    const shown = saved.analysis.taskBottoms[0].linearCka.toFixed(4);
    expect(first.out).toContain(`| click / conversion | ${shown} |`);
    const trmReset = saved.knockouts.results[3].auc.conversion.toFixed(4);
    expect(first.out).toMatch(new RegExp(`\\| TRM \\| reset \\| conversion \\| [0-9.]+ \\| ${trmReset} \\|`));

    // JSON lines: the same analysis; run again after the knock-outs: the same AUCs (weights restored).
    const second = await dtrn([
      'inspect',
      '--run',
      run,
      '--backend',
      'wasm',
      '--rows',
      '50',
      '--knockout',
      '--jsonl',
    ]);
    const event = second.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .find((e) => e.type === 'inspection');
    expect(event.analysis).toEqual(saved.analysis);
    expect(event.knockouts).toEqual(saved.knockouts);
  }, 120_000);

  it('names the directory that has no saved model', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    await expect(dtrn(['inspect', '--run', empty, '--backend', 'wasm', '-q'])).rejects.toThrow(
      'the run has no saved model',
    );
  });
});
