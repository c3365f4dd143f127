/**
 * End to end: `dtrn compare --preset tiny --seeds 2` with the real model presets, on wasm, into a
 * temporary run directory; then the files, their contents, and report.html in headless Chromium.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelCatalog } from '@dtrn/compare';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProgram, loadDtrnCatalog } from '../src/program.js';
import { formatOneGlance } from '../src/report/one-glance.js';
import type { RunResults } from '../src/report/results-file.js';
import { captureStreams } from './helpers/capture.js';
import { renderInChromium } from './helpers/chromium.js';
import { wrapCreate } from './helpers/wrap-catalog.js';

const TASKS = ['click', 'conversion'];
const MODELS = ['shared-bottom', 'ple', 'dtrn-ple'];
const ORACLES = ['oracle', 'oracle-no-user-item', 'oracle-sequence-only', 'oracle-no-sequence'];

interface MemorySample {
  readonly seed: number;
  readonly model: string;
  readonly tensors: number;
  readonly tensorBytes: number;
  readonly wasmHeapBytes: number;
}

/**
 * The real catalog, sampling tfjs memory and the wasm heap before each model is built on this
 * thread (with --workers auto the workers train, and this thread builds each model to evaluate it).
 */
function sampling(catalog: ModelCatalog, samples: MemorySample[]): ModelCatalog {
  return wrapCreate(
    catalog,
    (name, schema, options, base) => {
      const memory = tf.memory();
      const backend = tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } };
      samples.push({
        seed: options.seed,
        model: name,
        tensors: memory.numTensors,
        tensorBytes: memory.numBytes,
        wasmHeapBytes: backend.wasm?.HEAPU8.buffer.byteLength ?? 0,
      });
      return base.create(name, schema, options);
    },
    { workers: true },
  );
}

describe('dtrn compare --preset tiny --seeds 2', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'dtrn-e2e-')), 'run');
  const streams = captureStreams();
  const memory: MemorySample[] = [];
  let results: RunResults;

  beforeAll(async () => {
    const { program, context } = createProgram({
      streams,
      loadCatalog: async () => sampling(await loadDtrnCatalog(), memory),
    });
    await program.parseAsync([
      'node',
      'dtrn',
      'compare',
      '--preset',
      'tiny',
      '--seeds',
      '2',
      '--out',
      out,
      '--backend',
      'wasm',
      '--progress',
      'plain',
    ]);
    expect(context.exitCode).toBe(0);
    results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
  });

  it('writes every file of the run directory', () => {
    for (const file of [
      'config.json',
      'environment.json',
      'metrics.jsonl',
      'results.json',
      'results.md',
      'report.html',
    ]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    for (const model of MODELS) {
      expect(existsSync(join(out, 'checkpoints', model, 'seed-0', 'latest.json')), model).toBe(true);
      expect(existsSync(join(out, 'runs', model, 'seed-1.predictions.bin')), model).toBe(true);
    }
    const environment = JSON.parse(readFileSync(join(out, 'environment.json'), 'utf8'));
    expect(environment.backend).toMatchObject({ preference: 'wasm', selected: 'wasm', tfjsBackend: 'wasm' });
    // --workers auto on wasm with batches of 256 rows: two worker threads where the machine has two cores.
    const twoCores = availableParallelism() >= 2;
    expect(environment.workers).toMatchObject({ requested: 'auto', used: twoCores ? 2 : 1 });
    expect(results.workers).toEqual(environment.workers);
    expect(environment.seeds).toEqual([0, 1]);
    expect(environment.packages['@tensorflow/tfjs-core']).toBe('4.22.0');
    expect(environment.machine.cpus).toBeGreaterThan(0);
    const metricLines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(metricLines).toHaveLength(MODELS.length * 2 * 2); // two epochs per model and seed
    for (const line of metricLines) expect(JSON.parse(line)).toHaveProperty('validation');
    // Per-step losses for the report: each epoch's entries end at its last global step.
    for (const line of metricLines) {
      const record = JSON.parse(line);
      expect(record.stepLosses.at(-1).step, `${record.model} ${record.seed}`).toBe(
        record.epoch * record.steps,
      );
      expect(Object.keys(record.stepLosses[0].lossPerTask)).toEqual(TASKS);
    }
    // Epochs are numbered from 1 in every output: metrics.jsonl, results.json, the progress lines.
    expect(metricLines.map((line) => JSON.parse(line).epoch)).toEqual(MODELS.flatMap(() => [1, 2, 1, 2]));
  });

  it('has finite metrics for every model, task and seed, and the oracle rows', () => {
    expect(results.models).toEqual(MODELS);
    expect(results.tasks).toEqual(TASKS);
    expect(results.seeds).toEqual([0, 1]);
    expect(results.runs).toHaveLength(MODELS.length * 2);
    for (const run of results.runs) {
      expect(run.history.map((epoch) => epoch.epoch)).toEqual([1, 2]);
      for (const task of run.test) {
        expect(Number.isFinite(task.auc), `${run.model} ${task.task}`).toBe(true);
        expect(task.auc).toBeGreaterThan(0.3);
        expect(Number.isFinite(task.logloss)).toBe(true);
      }
    }
    for (const summary of results.summary) {
      expect(summary.tasks.map((task) => task.task)).toEqual(TASKS);
      for (const task of summary.tasks) {
        expect(task.auc.n).toBe(2);
        expect(task.aucInterval!.lower).toBeLessThanOrEqual(task.auc.mean!);
      }
    }
    for (const task of TASKS) {
      for (const kind of ORACLES) {
        const oracle = results.oracles.find((o) => o.task === task && o.kind === kind);
        expect(oracle?.auc.mean, `${task} ${kind}`).toBeGreaterThan(0.5);
      }
    }
    expect(results.gains.map((gain) => `${gain.model}/${gain.base}/${gain.task}`)).toEqual([
      'dtrn-ple/ple/click',
      'dtrn-ple/ple/conversion',
    ]);
    for (const gain of results.gains) {
      expect(gain.lower).toBeLessThanOrEqual(gain.estimate);
      expect(gain.upper).toBeGreaterThanOrEqual(gain.estimate);
      expect(gain.perSeed).toHaveLength(2);
    }
    // The check ran on the comparison's own control data, and its verdict is in every output.
    expect(results.check).toMatchObject({ applicable: true, source: 'own-run' });
    expect(results.check.tasks.map((row) => row.task)).toEqual(TASKS);
    const expectedPassed = results.check.tasks.every((row) => row.recovered >= 0.9);
    expect(results.check.passed).toBe(expectedPassed);
  });

  it('prints the table and writes results.md with every model, oracle and the check', () => {
    const markdown = readFileSync(join(out, 'results.md'), 'utf8');
    expect(streams.out()).toContain(markdown.trim().split('\n')[0]);
    for (const model of MODELS)
      expect(markdown).toMatch(new RegExp(`^\\| ${model} \\| \\d\\.\\d{4} ± \\d\\.\\d{4} \\|`, 'm'));
    expect(markdown).toContain('| oracle: sequence term only |');
    expect(markdown).toMatch(/^\| dtrn-ple \| ple \| click \| [+-]\d\.\d{4} \| \[/m);
    expect(markdown).toContain(
      `## Meaningfulness check (DATA.md rule 1): ${results.check.passed ? 'PASSED' : 'FAILED'}`,
    );
    if (!results.check.passed) expect(markdown.split('\n')[0]).toContain('(FLAGGED)');
    // The last thing on screen is the one-glance block: per task the DTRN-vs-base verdict with its
    // interval and the best model, then the check in plain words.
    const printed = streams.out().trimEnd().split('\n');
    const glance = printed.findIndex((line) => line.startsWith('In one glance ('));
    expect(printed.slice(glance)).toEqual(formatOneGlance(results).split('\n'));
    expect(printed[glance + 1]).toMatch(
      /^- click: dtrn-ple (beat|lost to|and) ple .*95% CI .*; highest test AUC /,
    );
    expect(printed[glance + 3]).toMatch(
      /^- Check (PASSED|FAILED): a plain Shared-Bottom on the control setting/,
    );
    expect(streams.err()).toContain('backend: wasm');
    expect(streams.err()).toContain('threads: ');
    expect(streams.err()).toMatch(
      /dtrn-ple seed 1 step \d+\/\d+ epoch [12]\/2 \| loss click \d\.\d{4} conversion \d\.\d{4} \| \d+ samples\/s \| ETA/,
    );
  });

  it('frees every tensor between models and stops growing the wasm heap after the first seed', () => {
    expect(memory.map((sample) => `${sample.model}/${sample.seed}`)).toEqual([
      ...MODELS.map((model) => `${model}/0`),
      ...MODELS.map((model) => `${model}/1`),
    ]);
    // Before each model is built nothing of the previous one is alive (models, optimizers, tapes).
    for (const sample of memory)
      expect(sample, `${sample.model} seed ${sample.seed}`).toMatchObject({ tensors: 0, tensorBytes: 0 });
    // The wasm heap only grows, to the largest working set (dtrn-ple's training step); reached in
    // seed 0, it is reused for every later model (measured: 57.6 MB then 83.1 MB, flat after).
    const secondSeed = memory.filter((sample) => sample.seed === 1).map((sample) => sample.wasmHeapBytes);
    expect(new Set(secondSeed).size).toBe(1);
    expect(tf.getBackend()).toBe('wasm');
    expect((tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength).toBe(
      secondSeed[0],
    );
  });

  it('renders report.html in headless Chromium without console errors', async () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // self-contained
    const screenshot = join(import.meta.dirname, '..', 'test-artifacts', 'compare-tiny-report.png');
    const page = await renderInChromium(join(out, 'report.html'), screenshot);
    expect(page.errors).toEqual([]);
    expect(page.rendered).toBe(true);
    // gains, final AUC, 2 tasks x (loss + validation AUC), 2 tasks x loss per step, TRM field weights
    // of dtrn-ple, gates of ple and dtrn-ple
    expect(page.canvasCount).toBe(1 + 1 + 4 + 2 + 1 + 2);
    expect(page.paintedCanvasCount).toBe(page.canvasCount);
    expect(existsSync(screenshot)).toBe(true);
  });
});
