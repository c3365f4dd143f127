/**
 * A typo in one model's overrides fails `dtrn compare` / `dtrn train` before anything is read or
 * trained (no run directory, no data, no model built), naming the model, the key and the closest
 * valid key; through the CLI with a YAML config file, as a user writes it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createProgram, loadDtrnCatalog } from '../src/program.js';
import { captureStreams } from './helpers/capture.js';
import { wrapCreate } from './helpers/wrap-catalog.js';

const BIN = join(dirname(dirname(fileURLToPath(import.meta.url))), 'dist', 'bin.js');
const root = mkdtempSync(join(tmpdir(), 'dtrn-overrides-'));
const DATA = 'data: { kind: synthetic, setting: control, size: tiny }';

function writeConfig(name: string, lines: readonly string[]): { config: string; out: string } {
  const config = join(root, `${name}.yaml`);
  writeFileSync(config, [DATA, ...lines].join('\n'));
  return { config, out: join(root, name) };
}

/**
 * Runs `dtrn <command> --config <yaml>` in-process; `built` lists the models the catalog was asked
 * to build, `error` is what the binary would print after `dtrn: `.
 */
async function run(command: 'compare' | 'train', name: string, lines: readonly string[]) {
  const { config, out } = writeConfig(name, lines);
  const built: string[] = [];
  const streams = captureStreams();
  const { program, context } = createProgram({
    streams,
    loadCatalog: async () =>
      wrapCreate(await loadDtrnCatalog(), (model, schema, options, base) => {
        built.push(model);
        return base.create(model, schema, options);
      }),
  });
  const args = [command, '--config', config, '--out', out, '--backend', 'wasm', '--progress', 'plain'];
  let error = '';
  try {
    await program.parseAsync(['node', 'dtrn', ...args]);
  } catch (thrown) {
    error = (thrown as Error).message;
  }
  return { exitCode: context.exitCode, error, out: streams.out(), built, runExists: existsSync(out) };
}

function expectEarlyFailure(result: Awaited<ReturnType<typeof run>>) {
  expect(result.error).not.toBe('');
  expect(result.built).toEqual([]); // no model was built, so none trained
  expect(result.runExists).toBe(false); // no run directory, no data prepared or generated
  expect(result.out).not.toMatch(/seed 0: synthetic/); // the data was never loaded
}

describe('overrides are checked for every model before any data is read', () => {
  it("a typo in the last model's perModel headArgs names the model, the key and the closest key", async () => {
    const result = await run('compare', 'head-typo', [
      'models: [shared-bottom, mmoe, dtrn-mmoe]',
      'seeds: 1',
      'perModel:',
      '  dtrn-mmoe:',
      '    headArgs: { numExperst: 3 }',
    ]);
    expectEarlyFailure(result);
    expect(result.error).toContain(
      'model "dtrn-mmoe": modelPreset(dtrn-mmoe).headArgs: MmoeArgs: unknown key "numExperst"; did you mean "numExperts"?',
    );
  });

  it('a typo in modelOverrides.encoder fails on the first model it reaches', async () => {
    const result = await run('compare', 'encoder-typo', [
      'models: [shared-bottom, dtrn-ple]',
      'modelOverrides: { encoder: { numBlock: 2 } }',
    ]);
    expectEarlyFailure(result);
    expect(result.error).toContain(
      'model "shared-bottom": modelPreset(shared-bottom).encoder: HypernetEncoderArgs: unknown key "numBlock"; did you mean "numBlocks"?',
    );
  });

  it('a typo in perModel embeddings (which used to surface only when that model was built, after the earlier ones trained)', async () => {
    const result = await run('compare', 'embeddings-typo', [
      'models: [shared-bottom, mmoe]',
      'perModel:',
      '  mmoe:',
      '    embeddings: { optimizer: { kind: adam, learningRat: 0.01 } }',
    ]);
    expectEarlyFailure(result);
    expect(result.error).toContain(
      'model "mmoe": modelPreset(mmoe).embeddings.optimizer: unknown key "learningRat"; did you mean "learningRate"?',
    );
  });

  it('the binary prints the message and exits 2 (a config error), before the data is generated', () => {
    const { config, out } = writeConfig('binary', [
      'models: [shared-bottom, dtrn-mmoe]',
      'perModel:',
      '  dtrn-mmoe:',
      '    headArgs: { numExperst: 3 }',
    ]);
    const args = ['compare', '--config', config, '--out', out, '--backend', 'wasm', '--progress', 'plain'];
    const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^dtrn: model "dtrn-mmoe": modelPreset\(dtrn-mmoe\)\.headArgs: MmoeArgs: unknown key "numExperst"; did you mean "numExperts"\?/m,
    );
    expect(result.stdout).not.toContain('seed 0');
    expect(existsSync(out)).toBe(false);
  });

  it('dtrn train checks its modelOverrides the same way', async () => {
    const result = await run('train', 'train-typo', [
      'model: dtrn-ple',
      'modelOverrides: { refiner: { reductionRatio: 0 } }',
    ]);
    expectEarlyFailure(result);
    expect(result.error).toContain(
      'model "dtrn-ple": modelPreset(dtrn-ple).refiner: SenetRefinerArgs.reductionRatio',
    );
  });
});
