/**
 * One playground comparison, independent of where it runs (the worker calls it; the tests call it
 * in Node): generate the synthetic data, split it by user, train every selected preset with the
 * same data, budget and seed, report loss and validation AUC every N steps, evaluate on test,
 * compute the oracle AUCs and paired AUC differences, and inspect gates and TRM field weights.
 *
 * It never picks a tfjs backend (the caller has) and leaves no tensors behind.
 */
import type { ModelInspection, MultiTaskModel } from '@dtrn/core';
import { type Batch, type InMemoryDataset, sliceRows, splitDataset } from '@dtrn/data';
import { generateMultiBehaviorData, syntheticPreset } from '@dtrn/datasets';
import { createModel, type ModelPresetName } from '@dtrn/model';
import { evaluate, fit } from '@dtrn/trainer';
import { scaledModelArgs } from '../config/model-scale.js';
import type { PlaygroundConfig } from '../config/playground-config.js';
import type { ComparisonResult, DataInfo, ModelResult, WorkerEvent } from '../protocol.js';
import { aucDifferences, oracleAucs, taskResults } from './test-metrics.js';

/** Test rows the gates and field weights are averaged over. */
export const INSPECTION_ROWS = 1024;
/** OUR CHOICE: split by user, 80/10/10, so no user's rows are on both sides of an evaluation. */
export const SPLIT_FRACTIONS: readonly [number, number, number] = [0.8, 0.1, 0.1];
/** Samples per forward pass in validation and test. */
const EVALUATION_BATCH_SIZE = 2048;

export interface ComparisonData {
  readonly train: InMemoryDataset;
  readonly validation: InMemoryDataset;
  readonly test: InMemoryDataset;
  readonly info: DataInfo;
}

function nowSeconds(): number {
  return performance.now() / 1000;
}

/** Generates and splits the data of a comparison (deterministic in the config's seed). */
export function comparisonData(config: PlaygroundConfig): ComparisonData {
  const started = nowSeconds();
  const args = syntheticPreset(config.setting, config.dataSize, {
    ...config.knobs,
    seed: config.seed,
    numSamples: config.numSamples,
    sequenceLength: config.sequenceLength,
  });
  const data = generateMultiBehaviorData(args);
  const { train, validation, test } = splitDataset(data, {
    by: 'user',
    fractions: [...SPLIT_FRACTIONS],
    seed: config.seed,
  });
  const knobs = Object.entries(config.knobs)
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
  return {
    train,
    validation,
    test,
    info: {
      description: `${config.setting} (${knobs}); ${args.numUsers} users, ${args.numItems} items, ${args.numSamples} rows, sequences of ${args.sequenceLength}`,
      tasks: data.schema.tasks.map((task) => task.name),
      trainRows: train.size,
      validationRows: validation.size,
      testRows: test.size,
      seconds: nowSeconds() - started,
    },
  };
}

function inspectModel(model: MultiTaskModel<Batch>, test: InMemoryDataset): ModelInspection | null {
  if (!model.inspect || test.size === 0) return null;
  const rows = sliceRows(test, 0, Math.min(INSPECTION_ROWS, test.size));
  const prepared = model.prepare(rows, { training: false });
  try {
    return model.inspect(prepared);
  } finally {
    prepared.dispose();
  }
}

export interface RunComparisonOptions {
  /** Receives every event in order (the worker posts them to the page). */
  readonly emit: (event: WorkerEvent) => void;
  /** Stops after the current step; the model is still evaluated, later models are skipped. */
  readonly signal?: AbortSignal;
}

interface TrainedPreset {
  readonly result: Omit<ModelResult, 'differences'>;
  readonly predictions: readonly Float32Array[];
}

async function trainPreset(
  preset: ModelPresetName,
  config: PlaygroundConfig,
  data: ComparisonData,
  options: RunComparisonOptions,
): Promise<TrainedPreset> {
  const model = createModel(
    data.train.schema,
    scaledModelArgs(preset, config.modelScale, { seed: config.seed, learningRate: config.learningRate }),
  );
  try {
    const batchesPerEpoch = Math.ceil(data.train.size / config.batchSize);
    const epochs = Math.ceil(config.steps / batchesPerEpoch);
    const fitResult = await fit(model, data.train, null, {
      epochs,
      batchSize: config.batchSize,
      evaluationBatchSize: EVALUATION_BATCH_SIZE,
      seed: config.seed,
      optimizer: { learningRate: config.learningRate },
      balancing: config.balancing,
      earlyStopping: false,
      maxSteps: config.steps,
      progressEverySteps: config.evaluateEverySteps,
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (event) => {
        const validation = evaluate(model, data.validation, { batchSize: EVALUATION_BATCH_SIZE }).report;
        options.emit({
          type: 'progress',
          point: {
            model: preset,
            step: event.step,
            totalSteps: event.totalSteps,
            lossPerTask: event.lossPerTask,
            validationAuc: validation.tasks.map((task) => task.auc),
            samplesPerSecond: event.samplesPerSecond,
            etaSeconds: event.etaSeconds,
          },
        });
      },
    });
    const evaluation = evaluate(model, data.test, {
      batchSize: EVALUATION_BATCH_SIZE,
      returnPredictions: true,
    });
    return {
      predictions: evaluation.predictions ?? [],
      result: {
        model: preset,
        stoppedReason: fitResult.stoppedReason,
        steps: fitResult.steps,
        seconds: fitResult.seconds,
        samplesPerSecond: fitResult.samplesPerSecond,
        parameters: model.parameterCount(),
        test: taskResults(evaluation.report),
        inspection: inspectModel(model, data.test),
      },
    };
  } finally {
    model.dispose();
  }
}

/**
 * Runs a comparison of `config.models` (resolved config). Events: `data`, then per model
 * `model-start`, `progress`..., `model-done`, and finally `done` (also after a stop, with the
 * models trained so far). Returns the final result.
 */
export async function runComparison(
  config: PlaygroundConfig,
  options: RunComparisonOptions,
): Promise<ComparisonResult> {
  const started = nowSeconds();
  const data = comparisonData(config);
  const oracles = oracleAucs(data.test);
  const validationOracles = oracleAucs(data.validation);
  const validationOracleAuc = data.info.tasks.map(
    (task) =>
      validationOracles.find((oracle) => oracle.task === task && oracle.kind === 'oracle')?.auc ?? null,
  );
  options.emit({ type: 'data', data: data.info, oracles, validationOracleAuc });
  const reference = config.models[0]!;
  const models: ModelResult[] = [];
  let referencePredictions: readonly Float32Array[] | null = null;
  for (const [index, preset] of config.models.entries()) {
    if (options.signal?.aborted) break;
    options.emit({ type: 'model-start', model: preset, index, totalSteps: config.steps });
    const trained = await trainPreset(preset, config, data, options);
    const differences = referencePredictions
      ? aucDifferences(data.test, referencePredictions, trained.predictions, config.seed)
      : [];
    if (index === 0) referencePredictions = trained.predictions;
    const result: ModelResult = { ...trained.result, differences };
    models.push(result);
    options.emit({ type: 'model-done', result });
  }
  const result: ComparisonResult = {
    reference,
    tasks: data.info.tasks,
    models,
    oracles,
    stopped: models.length < config.models.length || models.some((m) => m.stoppedReason === 'aborted'),
    seconds: nowSeconds() - started,
  };
  options.emit({ type: 'done', result });
  return result;
}
