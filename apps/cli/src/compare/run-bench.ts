/**
 * `dtrn bench`: training and inference throughput of model presets on synthetic data through the
 * real trainer (sparse embeddings, dense Adam), on the selected backend. Each model warms up for a
 * few steps, then `steps` timed training steps and `steps` timed inference batches.
 */
import { checkModelName, type ModelCatalog } from '@dtrn/compare';
import type { BackendPreference } from '@dtrn/core';
import { batches } from '@dtrn/data';
import { generateMultiBehaviorData, syntheticPreset } from '@dtrn/datasets';
import { fit, predictBatch } from '@dtrn/trainer';
import { useBackend } from '../runtime/backend.js';
import { type ProgressMode, type ProgressReporter, reporterOf } from '../runtime/progress.js';

export interface RunBenchOptions {
  readonly catalog: ModelCatalog;
  readonly models: readonly string[];
  readonly batchSize: number;
  /** Timed steps (and inference batches) per model. */
  readonly steps: number;
  readonly warmupSteps: number;
  /** Synthetic rows generated (the control setting, small size's vocabularies). */
  readonly rows: number;
  readonly sequenceLength: number;
  readonly modelOverrides: Readonly<Record<string, unknown>>;
  readonly backend?: BackendPreference;
  readonly progress?: ProgressMode | ProgressReporter;
}

export interface BenchRow {
  readonly model: string;
  readonly trainSamplesPerSecond: number;
  readonly msPerStep: number;
  readonly inferenceSamplesPerSecond: number;
  readonly denseParameters: number;
  readonly embeddingParameters: number;
  readonly peakRssMiB: number;
}

export interface BenchOutcome {
  readonly backend: string;
  readonly settings: Omit<RunBenchOptions, 'catalog' | 'progress' | 'backend'>;
  readonly rows: readonly BenchRow[];
}

export async function runBench(options: RunBenchOptions): Promise<BenchOutcome> {
  const progress = reporterOf(options.progress);
  options.models.forEach((model, i) => {
    checkModelName(options.catalog, model, `bench models[${i}]`);
  });
  const selection = await useBackend(options.backend ?? 'auto');
  progress.info(`backend: ${selection.summary}`);
  const data = generateMultiBehaviorData(
    syntheticPreset('control', 'small', {
      numSamples: options.rows,
      sequenceLength: options.sequenceLength,
      seed: 0,
    }),
  );
  const rows: BenchRow[] = [];
  let peakRss = process.memoryUsage().rss;
  for (const name of options.models) {
    const model = options.catalog.create(name, data.schema, { seed: 0, overrides: options.modelOverrides });
    try {
      const common = {
        batchSize: options.batchSize,
        epochs: 1000,
        earlyStopping: false as const,
        progressEverySteps: 1_000_000,
      };
      await fit(model, data, null, { ...common, maxSteps: options.warmupSteps });
      const trained = await fit(model, data, null, { ...common, maxSteps: options.steps, seed: 1 });
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      let inferred = 0;
      let started = 0;
      let index = 0;
      for (const batch of batches(data, { batchSize: options.batchSize })) {
        if (index === options.warmupSteps) started = performance.now();
        predictBatch(model, batch);
        if (index >= options.warmupSteps) inferred += batch.size;
        index++;
        if (index >= options.warmupSteps + options.steps) break;
      }
      const inferenceSeconds = (performance.now() - started) / 1000;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      const parameters = model.parameterCount();
      const row: BenchRow = {
        model: name,
        trainSamplesPerSecond: trained.samplesPerSecond,
        msPerStep: (1000 * options.batchSize) / trained.samplesPerSecond,
        inferenceSamplesPerSecond: inferred / inferenceSeconds,
        denseParameters: parameters.dense,
        embeddingParameters: parameters.embedding,
        peakRssMiB: peakRss / 2 ** 20,
      };
      rows.push(row);
      progress.info(
        `${name}: ${Math.round(row.trainSamplesPerSecond)} train samples/s, ${Math.round(row.inferenceSamplesPerSecond)} inference samples/s`,
      );
      progress.json({ type: 'bench', ...row });
    } finally {
      model.dispose();
    }
  }
  const { catalog: _catalog, progress: _progress, backend: _backend, ...settings } = options;
  const outcome = { backend: selection.candidate, settings, rows };
  progress.result(formatBenchTable(outcome));
  return outcome;
}

export function formatBenchTable(outcome: BenchOutcome): string {
  const { settings } = outcome;
  const lines = [
    `backend ${outcome.backend}, batch ${settings.batchSize}, ${settings.steps} timed steps after ${settings.warmupSteps} warm-up, ${settings.rows} synthetic rows, sequences of ${settings.sequenceLength}`,
    '',
    '| model | train samples/s | ms/step | inference samples/s | dense params | embedding params | peak RSS MiB |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...outcome.rows.map(
      (row) =>
        `| ${row.model} | ${Math.round(row.trainSamplesPerSecond)} | ${row.msPerStep.toFixed(1)} | ${Math.round(row.inferenceSamplesPerSecond)} | ${row.denseParameters} | ${row.embeddingParameters} | ${Math.round(row.peakRssMiB)} |`,
    ),
  ];
  return lines.join('\n');
}
