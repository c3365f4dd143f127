/**
 * Tampered and broken files, the way a user meets them: through the built `dtrn` binary (exit code
 * and one-line message, no stack trace) and through `runEvaluate` / `runTrain`. The run directory
 * comes from one small `dtrn train` run, copied before each tampering.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDataError } from '@dtrn/base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvaluate } from '../src/compare/run-evaluate.js';
import { runTrain } from '../src/compare/run-train.js';
import type { TrainConfigInput } from '../src/config/run-configs.js';
import { dtrnCatalog } from '../src/models/dtrn-catalog.js';

const BIN = join(dirname(dirname(fileURLToPath(import.meta.url))), 'dist', 'bin.js');

const CONFIG: TrainConfigInput = {
  name: 'untrusted',
  data: {
    kind: 'synthetic',
    setting: 'control',
    size: 'tiny',
    generator: { numSamples: 600, sequenceLength: 4 },
  },
  model: 'shared-bottom',
  modelOverrides: { embeddingDim: 6, headArgs: { bottomUnits: [8], towerUnits: [4] } },
  seed: 1,
  training: { epochs: 1, batchSize: 128, patience: 0 },
};

/** Runs the built binary; returns its exit code and output. */
function dtrn(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function expectCleanFailure(result: ReturnType<typeof dtrn>, message: string) {
  expect(result.stderr).toContain(message);
  expect(result.stderr).not.toContain('unexpected error');
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(result.status).toBe(2);
}

describe('untrusted files through dtrn', () => {
  const root = mkdtempSync(join(tmpdir(), 'dtrn-untrusted-'));
  const trained = join(root, 'trained');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  beforeAll(async () => {
    await runTrain({
      config: CONFIG,
      catalog: dtrnCatalog,
      backend: 'wasm',
      progress: 'quiet',
      out: trained,
    });
  });

  /** A copy of the trained run and the path of its checkpoint directory. */
  function copyRun(name: string): { run: string; step: string } {
    const run = join(root, name);
    cpSync(trained, run, { recursive: true, verbatimSymlinks: true });
    const seedDir = join(run, 'checkpoints', 'shared-bottom', 'seed-1');
    const step = readdirSync(seedDir).find((entry) => entry.startsWith('step-'))!;
    return { run, step: join(seedDir, step) };
  }

  it('--out on an existing file is a clear error, not "unexpected error EEXIST"', () => {
    const file = join(root, 'results.txt');
    writeFileSync(file, 'not a directory');
    const result = dtrn(['train', '--preset', 'tiny', '--model', 'shared-bottom', '--out', file, '-q']);
    expectCleanFailure(result, `dtrn: --out ${file} is an existing file, not a directory`);
    const nested = dtrn([
      'train',
      '--preset',
      'tiny',
      '--model',
      'shared-bottom',
      '--out',
      join(file, 'run'),
    ]);
    expectCleanFailure(nested, 'a parent of this path is a file');
  });

  it('a config with a duplicate key fails naming the key', () => {
    const config = join(root, 'duplicate.json');
    writeFileSync(config, '{"training": {"epochs": 1, "epochs": 5}}');
    const result = dtrn(['train', '--preset', 'tiny', '--model', 'shared-bottom', '--config', config, '-q']);
    expectCleanFailure(result, `dtrn: ${config}:1:28, field training.epochs: duplicate key "epochs"`);
  });

  it('evaluate refuses a checkpoint with one flipped byte, naming the file', () => {
    const { run, step } = copyRun('flipped');
    const file = join(step, 'model.bin');
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1]! ^= 0x01;
    writeFileSync(file, bytes);
    const result = dtrn(['evaluate', '--run', run, '--backend', 'wasm', '-q']);
    expectCleanFailure(result, `dtrn: ${file}: checksum mismatch (the file was changed or corrupted)`);
  });

  it('evaluate refuses model.bin -> /dev/zero at once, and -> /etc/passwd without reading it', async () => {
    const { run, step } = copyRun('zero');
    const file = join(step, 'model.bin');
    rmSync(file);
    symlinkSync('/dev/zero', file);
    const started = performance.now();
    const result = dtrn(['evaluate', '--run', run, '--backend', 'wasm', '-q']);
    expect(performance.now() - started).toBeLessThan(30_000);
    expectCleanFailure(result, `dtrn: ${file}: the file is a symbolic link to a place outside its directory`);
    rmSync(file);
    symlinkSync('/etc/passwd', file);
    const error = await runEvaluate({ run, catalog: dtrnCatalog, backend: 'wasm', progress: 'quiet' }).catch(
      (e: unknown) => e as Error,
    );
    expect(isDataError(error)).toBe(true);
    expect((error as Error).message).toContain(`${file}: the file is a symbolic link`);
  });

  it('a checkpoint manifest linked to a file outside the run is refused without echoing it', async () => {
    const { run, step } = copyRun('outside');
    const secret = join(root, 'hostname');
    writeFileSync(secret, 'secret-host-name-4711\n');
    rmSync(join(step, 'manifest.json'));
    symlinkSync(secret, join(step, 'manifest.json'));
    const error = (await runEvaluate({ run, catalog: dtrnCatalog, backend: 'wasm', progress: 'quiet' }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toContain(`${join(step, 'manifest.json')}: the file is a symbolic link`);
    expect(error.message).not.toContain('secret-host-name');
  });

  it('an empty run config.json is a clear error for evaluate and for --resume', async () => {
    const { run } = copyRun('empty-config');
    writeFileSync(join(run, 'config.json'), '');
    const result = dtrn(['evaluate', '--run', run, '-q']);
    expectCleanFailure(
      result,
      `dtrn: ${join(run, 'config.json')}: the file is empty (expected a JSON value)`,
    );
    await expect(
      runTrain({
        config: CONFIG,
        catalog: dtrnCatalog,
        backend: 'wasm',
        progress: 'quiet',
        out: run,
        resume: true,
      }),
    ).rejects.toThrow(`${join(run, 'config.json')}: the file is empty (expected a JSON value)`);
    writeFileSync(join(run, 'config.json'), '[]');
    await expect(
      runEvaluate({ run, catalog: dtrnCatalog, backend: 'wasm', progress: 'quiet' }),
    ).rejects.toThrow(`${join(run, 'config.json')}: expected a JSON object, found an array`);
  });
});
