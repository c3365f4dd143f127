/**
 * `dtrn export` as a user walks it: `dtrn train`, then `dtrn export --format onnx`, then ONNX Runtime
 * on the run's test split gives dtrn's probabilities; on the real OTTO sample (`dtrn prepare`, then
 * `dtrn train` on the shards) the sidecar carries the item vocabulary that maps raw ids to rows.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Vocabulary } from '@dtrn/data';
import type { OnnxExportMetadata } from '@dtrn/onnx';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../src/program.js';
import { captureStreams } from './helpers/capture.js';
import { expectOnnxMatchesPredict } from './helpers/onnx-parity.js';

async function dtrn(args: string[]) {
  const streams = captureStreams();
  const { program, context } = createProgram({ streams });
  await program.parseAsync(['node', 'dtrn', ...args]);
  return { exitCode: context.exitCode, out: streams.out(), err: streams.err() };
}

/** The real OTTO sample (20 sessions, CC BY 4.0), vendored with the datasets package's fixtures. */
const OTTO_SAMPLE = fileURLToPath(
  new URL('../../../packages/datasets/test/fixtures/otto/otto_sample_train.jsonl', import.meta.url),
);

describe('dtrn export', () => {
  const root = mkdtempSync(join(tmpdir(), 'dtrn-export-'));

  it('exports a trained run whose ONNX probabilities equal dtrn predict on the test split', async () => {
    const run = join(root, 'dtrn-ple');
    const config = join(root, 'train.yaml');
    writeFileSync(
      config,
      [
        'name: export',
        'data: { kind: synthetic, setting: control, size: tiny, generator: { numSamples: 1200, sequenceLength: 8 } }',
        'model: dtrn-ple',
        'modelOverrides: { embeddingDim: 8, encoder: { feedForwardDim: 8 }, headArgs: { expertUnits: [16], towerUnits: [8] } }',
        'training: { epochs: 1, batchSize: 128, patience: 0 }',
      ].join('\n'),
    );
    expect((await dtrn(['train', '--config', config, '--out', run, '--progress', 'quiet'])).exitCode).toBe(0);
    const out = join(root, 'dtrn-ple.onnx');
    const result = await dtrn([
      'export',
      '--run',
      run,
      '--format',
      'onnx',
      '--out',
      out,
      '--progress',
      'plain',
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.out).toContain(`exported ${run} to ${out}`);
    const metadata = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as OnnxExportMetadata;
    expect(metadata.graph).toBe('dtrn-ple.onnx');

    await expectOnnxMatchesPredict(run, out);
  });

  it('carries the item vocabulary from dtrn prepare on the OTTO sample, through dtrn train, to the sidecar', async () => {
    const prepared = join(root, 'prepared-otto');
    const loader = join(root, 'otto-loader.yaml');
    writeFileSync(loader, 'clickLength: 8\ncartLength: 4\norderLength: 4\n');
    const prepare = ['prepare', 'otto', '--data', OTTO_SAMPLE, '--config', loader, '--out', prepared];
    expect((await dtrn([...prepare, '--progress', 'quiet'])).exitCode).toBe(0);
    const preparedVocabularies = JSON.parse(readFileSync(join(prepared, 'vocabularies.json'), 'utf8'));
    const run = join(root, 'otto');
    const config = join(root, 'otto.yaml');
    writeFileSync(
      config,
      [
        'name: otto-sample',
        `data: { kind: shards, path: ${JSON.stringify(prepared)} }`,
        'model: mmoe',
        'modelOverrides: { embeddingDim: 8, headArgs: { expertUnits: [16], towerUnits: [8] } }',
        'training: { epochs: 1, batchSize: 64, patience: 0 }',
      ].join('\n'),
    );
    expect((await dtrn(['train', '--config', config, '--out', run, '--progress', 'quiet'])).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(run, 'vocabularies.json'), 'utf8'))).toEqual(preparedVocabularies);
    const out = join(root, 'otto.onnx');
    expect((await dtrn(['export', '--run', run, '--out', out, '--progress', 'quiet'])).exitCode).toBe(0);
    const metadata = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as OnnxExportMetadata;
    expect(metadata.inputs.map((i) => i.name)).toEqual(['item', 'click/item', 'cart/item', 'order/item']);
    const item = metadata.idSpaces.find((s) => s.name === 'item')!;
    const trained = Vocabulary.fromJSON(preparedVocabularies.item);
    expect(item.vocabulary!.ids.length).toBeGreaterThan(100);
    const firstAid = String(JSON.parse(readFileSync(OTTO_SAMPLE, 'utf8').split('\n')[0]!).events[0].aid);
    expect(item.vocabulary!.firstKnownRow + item.vocabulary!.ids.indexOf(firstAid)).toBe(
      trained.lookup(firstAid),
    );
  });

  it('refuses a run whose vocabularies file is not valid, naming the file', async () => {
    const run = join(root, 'dtrn-ple');
    writeFileSync(join(run, 'vocabularies.json'), '{"item": {"format": "not-a-vocabulary"}}');
    await expect(
      dtrn(['export', '--run', run, '--out', join(root, 'bad.onnx'), '--progress', 'quiet']),
    ).rejects.toThrow(/vocabular/);
    writeFileSync(join(run, 'vocabularies.json'), '{"item": 1, "item": 2}');
    await expect(
      dtrn(['export', '--run', run, '--out', join(root, 'bad.onnx'), '--progress', 'quiet']),
    ).rejects.toThrow(/vocabularies\.json/);
  });

  it('refuses a directory without a saved model, naming it', async () => {
    await expect(
      dtrn(['export', '--run', root, '--out', join(root, 'x.onnx'), '--progress', 'quiet']),
    ).rejects.toThrow(/the run has no saved model/);
  });
});
