/**
 * `dtrn train` interrupted (AbortSignal after N steps, as Ctrl-C does) and resumed in a fresh
 * process state ends with the same test metrics and history as an uninterrupted run.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEvaluate } from '../src/compare/run-evaluate.js';
import { runTrain } from '../src/compare/run-train.js';
import type { TrainConfigInput } from '../src/config/run-configs.js';
import { dtrnCatalog } from '../src/models/dtrn-catalog.js';
import type { RunResults } from '../src/report/results-file.js';

const CONFIG: TrainConfigInput = {
  name: 'resume',
  data: {
    kind: 'synthetic',
    setting: 'full-conflict',
    size: 'tiny',
    generator: { numSamples: 1500, sequenceLength: 8 },
  },
  model: 'dtrn-ple',
  modelOverrides: {
    embeddingDim: 10,
    encoder: { feedForwardDim: 16 },
    headArgs: { expertUnits: [16], towerUnits: [8] },
  },
  seed: 3,
  training: { epochs: 2, batchSize: 128, learningRate: 0.005, patience: 0, checkpointEverySteps: 4 },
};

/** `dtrn train` into `out`, aborted (as Ctrl-C does) when step `step` is reported. */
function trainUntilStep(common: Omit<Parameters<typeof runTrain>[0], 'out'>, out: string, step: number) {
  const controller = new AbortController();
  return runTrain({
    ...common,
    out,
    signal: controller.signal,
    onProgress: (event) => {
      if (event.step === step) controller.abort();
    },
  });
}

describe('dtrn train: interrupt and resume', () => {
  const root = mkdtempSync(join(tmpdir(), 'dtrn-resume-'));

  it('gives the same final metrics as an uninterrupted run', async () => {
    const common = { config: CONFIG, catalog: dtrnCatalog, backend: 'wasm' as const, progressEverySteps: 1 };
    const full = await runTrain({ ...common, out: join(root, 'full') });
    expect(full.results).not.toBeNull();

    const interrupted = join(root, 'interrupted');
    const first = await trainUntilStep(common, interrupted, 11); // mid-epoch 0 (about 9 steps per epoch) of epoch 1
    expect(first.results).toBeNull();
    expect(existsSync(join(interrupted, 'results.json'))).toBe(false);
    const latest = JSON.parse(
      readFileSync(join(interrupted, 'checkpoints/dtrn-ple/seed-3/latest.json'), 'utf8'),
    );
    expect(latest.checkpoint).toBe('step-0000000011');

    await expect(runTrain({ ...common, out: interrupted })).rejects.toThrow('already holds a run');
    await expect(
      runTrain({ ...common, config: { ...CONFIG, seed: 4 }, out: interrupted, resume: true }),
    ).rejects.toThrow("--resume: the config differs from the run's config.json in seed");

    // What a kill -9 during a checkpoint write leaves behind; --resume removes it.
    const checkpoints = join(interrupted, 'checkpoints/dtrn-ple/seed-3');
    mkdirSync(join(checkpoints, '.tmp-step-0000000012-k1ll3d'));
    writeFileSync(join(checkpoints, '.tmp-step-0000000012-k1ll3d', 'model.bin'), new Uint8Array(64));
    const firstSegment = JSON.parse(
      readFileSync(join(checkpoints, 'step-0000000011', 'trainer.json'), 'utf8'),
    ).elapsed as { seconds: number; samples: number };

    const resumed = await runTrain({ ...common, out: interrupted, resume: true });
    expect(resumed.results).not.toBeNull();
    expect(readdirSync(checkpoints).filter((name) => name.startsWith('.tmp'))).toEqual([]);
    const a = JSON.parse(readFileSync(join(root, 'full', 'results.json'), 'utf8')) as RunResults;
    const b = JSON.parse(readFileSync(join(interrupted, 'results.json'), 'utf8')) as RunResults;
    expect(b.runs[0]!.test).toEqual(a.runs[0]!.test);
    expect(b.runs[0]!.history).toEqual(a.runs[0]!.history);
    expect(b.runs[0]!.steps).toBe(a.runs[0]!.steps);
    expect(b.summary).toEqual(a.summary);
    // Time and throughput of the whole run, not of the resumed segment only.
    const final = readdirSync(checkpoints).find((name) => name.startsWith('step-'))!;
    const total = JSON.parse(readFileSync(join(checkpoints, final, 'trainer.json'), 'utf8')).elapsed as {
      seconds: number;
      stepSeconds: number;
      samples: number;
    };
    const fullCheckpoints = join(root, 'full', 'checkpoints/dtrn-ple/seed-3');
    const fullFinal = readdirSync(fullCheckpoints).find((name) => name.startsWith('step-'))!;
    const uninterrupted = JSON.parse(readFileSync(join(fullCheckpoints, fullFinal, 'trainer.json'), 'utf8'))
      .elapsed as { samples: number };
    expect(total.samples).toBe(uninterrupted.samples); // every sample of both segments, counted once
    expect(firstSegment.samples).toBeGreaterThan(0);
    expect(firstSegment.samples).toBeLessThan(total.samples);
    expect(total.seconds).toBeGreaterThan(firstSegment.seconds);
    expect(b.runs[0]!.seconds).toBeGreaterThanOrEqual(total.seconds);
    expect(b.runs[0]!.samplesPerSecond).toBeCloseTo(total.samples / total.stepSeconds, 0);
    expect(b.seconds).toBeGreaterThan(b.runs[0]!.seconds);
    expect(a.runs[0]!.test.every((task) => Number.isFinite(task.auc))).toBe(true);
    // metrics.jsonl of the resumed run holds each epoch once
    expect(readFileSync(join(interrupted, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);

    expect(existsSync(join(interrupted, 'model', 'manifest.json'))).toBe(true);
    const evaluation = await runEvaluate({ run: interrupted, catalog: dtrnCatalog, backend: 'wasm' });
    expect(evaluation.report.tasks.map((task) => task.auc)).toEqual(a.runs[0]!.test.map((task) => task.auc));
  });
  it('resumes a STEM model (shared and per-task tables with their slots) to the same end', async () => {
    const config: TrainConfigInput = { ...CONFIG, name: 'stem-resume', model: 'stem-ple', seed: 5 };
    const common = { config, catalog: dtrnCatalog, backend: 'wasm' as const, progressEverySteps: 1 };
    const full = await runTrain({ ...common, out: join(root, 'stem-full') });
    expect(full.results).not.toBeNull();
    const interrupted = join(root, 'stem-interrupted');
    const first = await trainUntilStep(common, interrupted, 7); // the abort writes a checkpoint at step 7
    expect(first.results).toBeNull();
    const latest = join(interrupted, 'checkpoints/stem-ple/seed-5/latest.json');
    expect(JSON.parse(readFileSync(latest, 'utf8')).checkpoint).toBe('step-0000000007');
    expect((await runTrain({ ...common, out: interrupted, resume: true })).results).not.toBeNull();
    const a = JSON.parse(readFileSync(join(root, 'stem-full', 'results.json'), 'utf8')) as RunResults;
    const b = JSON.parse(readFileSync(join(interrupted, 'results.json'), 'utf8')) as RunResults;
    expect(b.runs[0]!.test).toEqual(a.runs[0]!.test);
    expect(b.runs[0]!.history).toEqual(a.runs[0]!.history);
  });
});
