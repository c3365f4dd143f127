/**
 * ESMM and AITM through the CLI as a user names them: `dtrn compare --preset tiny --models
 * esmm,aitm` runs (the tiny data has conversion observed on clicks), `dtrn train` then
 * `dtrn export --format onnx` gives ONNX probabilities equal to dtrn's predict, and data without a
 * funnel is refused with the head's ConfigError.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../src/program.js';
import type { RunResults } from '../src/report/results-file.js';
import { captureStreams } from './helpers/capture.js';
import { expectOnnxMatchesPredict } from './helpers/onnx-parity.js';

async function dtrn(args: string[]) {
  const streams = captureStreams();
  const { program, context } = createProgram({ streams });
  await program.parseAsync(['node', 'dtrn', ...args]);
  return { exitCode: context.exitCode, out: streams.out(), err: streams.err() };
}

const root = mkdtempSync(join(tmpdir(), 'dtrn-cascade-'));

describe('ESMM and AITM through the CLI', () => {
  it('dtrn compare --preset tiny --models esmm,aitm --seeds 1 trains and reports both', async () => {
    const out = join(root, 'compare');
    const args = [
      'compare',
      '--preset',
      'tiny',
      '--models',
      'esmm,aitm',
      '--seeds',
      '1',
      '--backend',
      'wasm',
    ];
    const result = await dtrn([...args, '--out', out, '--progress', 'quiet']);
    expect(result.exitCode, result.err).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
    const json = JSON.stringify(results);
    for (const model of ['esmm', 'aitm']) expect(json).toContain(`"${model}"`);
  });

  it.each(['aitm', 'dtrn-esmm'])(
    'dtrn train --model %s, then dtrn export --format onnx equals predict',
    async (name) => {
      const run = join(root, name);
      const config = join(root, `${name}.yaml`);
      writeFileSync(
        config,
        [
          'name: cascade',
          'data: { kind: synthetic, setting: control, size: tiny, generator: { numSamples: 1200, sequenceLength: 8, taskMode: cascade } }',
          `model: ${name}`,
          'modelOverrides: { embeddingDim: 8, encoder: { feedForwardDim: 8 }, headArgs: { towerUnits: [16, 8] } }',
          'training: { epochs: 1, batchSize: 128, patience: 0 }',
        ].join('\n'),
      );
      const trained = await dtrn([
        'train',
        '--config',
        config,
        '--out',
        run,
        '--backend',
        'wasm',
        '--progress',
        'quiet',
      ]);
      expect(trained.exitCode, trained.err).toBe(0);
      const out = join(root, `${name}.onnx`);
      expect(
        (await dtrn(['export', '--run', run, '--format', 'onnx', '--out', out, '--progress', 'quiet']))
          .exitCode,
      ).toBe(0);
      await expectOnnxMatchesPredict(run, out);
    },
  );

  it('refuses data without a funnel with the ConfigError naming the fix', async () => {
    const config = join(root, 'independent.yaml');
    writeFileSync(
      config,
      [
        'name: independent',
        'data: { kind: synthetic, setting: control, size: tiny, generator: { numSamples: 400, sequenceLength: 8, taskMode: independent } }',
        'model: esmm',
        'training: { epochs: 1, batchSize: 128, patience: 0 }',
      ].join('\n'),
    );
    const args = ['train', '--config', config, '--out', join(root, 'refused'), '--progress', 'quiet'];
    await expect(dtrn(args)).rejects.toThrow(
      'head "esmm" needs a task cascade (e.g. click then conversion), but no task has a sampleSpace { positiveOf: ... }',
    );
  });
});
