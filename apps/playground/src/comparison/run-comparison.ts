/**
 * One playground comparison, independent of where it runs (the worker calls it; the tests call it
 * in Node): generate the synthetic data of the config and split it by user, then let the
 * comparison engine (`compareModels` from `@dtrn/compare`, the one `dtrn compare` uses) train
 * every selected preset with the same data, step budget and seed, validate every N steps, test,
 * and compute the paired AUC differences to the first model. This file keeps what is the
 * playground's: the data of its form, the model scales, and the worker protocol's events.
 *
 * It never picks a tfjs backend (the caller has) and leaves no tensors behind.
 */
import {
  type ComparisonEvent,
  compareModels,
  type GainInterval,
  type ModelCatalog,
  type ModelRun,
  oracleAucs,
  type SeedData,
} from '@dtrn/compare';
import { splitDataset } from '@dtrn/data';
import { generateMultiBehaviorData, syntheticPreset } from '@dtrn/datasets';
import { createModel, MODEL_PRESET_NAMES, type ModelPresetName } from '@dtrn/model';
import { scaledModelArgs } from '../config/model-scale.js';
import type { PlaygroundConfig } from '../config/playground-config.js';
import type { ComparisonResult, DataInfo, ModelResult, WorkerEvent } from '../protocol.js';

/** Test rows the gates and field weights are averaged over. */
export const INSPECTION_ROWS = 1024;
/** OUR CHOICE: split by user, 80/10/10, so no user's rows are on both sides of an evaluation. */
export const SPLIT_FRACTIONS: readonly [number, number, number] = [0.8, 0.1, 0.1];
/** Samples per forward pass in validation and test. */
const EVALUATION_BATCH_SIZE = 2048;
/** Resamples of the paired bootstrap. OUR CHOICE: 500 keeps the final table under a second. */
export const DIFFERENCE_RESAMPLES = 500;
export const DIFFERENCE_CONFIDENCE = 0.95;

/** The splits of a comparison as the engine takes them, and what the page shows about them. */
export interface ComparisonData extends SeedData {
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
  const description = `${config.setting} (${knobs}); ${args.numUsers} users, ${args.numItems} items, ${args.numSamples} rows, sequences of ${args.sequenceLength}`;
  return {
    schema: data.schema,
    train,
    validation,
    test,
    description,
    info: {
      description,
      tasks: data.schema.tasks.map((task) => task.name),
      trainRows: train.size,
      validationRows: validation.size,
      testRows: test.size,
      seconds: nowSeconds() - started,
    },
  };
}

/** The presets at the config's scale; every model's gain is measured against the first. */
function playgroundCatalog(config: PlaygroundConfig): ModelCatalog {
  const reference = config.models[0]!;
  return {
    names: MODEL_PRESET_NAMES,
    create: (name, schema, options) =>
      createModel(
        schema,
        scaledModelArgs(name as ModelPresetName, config.modelScale, {
          seed: options.seed,
          learningRate: config.learningRate,
        }),
      ),
    baseOf: (name) => (name === reference ? null : reference),
    describe: (name) => name,
  };
}

function modelResult(run: ModelRun, gains: readonly GainInterval[]): ModelResult {
  return {
    model: run.model,
    stoppedReason: run.stoppedReason,
    steps: run.steps,
    seconds: run.seconds,
    samplesPerSecond: run.samplesPerSecond,
    parameters: run.parameters,
    test: run.test,
    differences: gains
      .filter((gain) => gain.model === run.model)
      .map(({ task, estimate, lower, upper, confidence, probabilityPositive }) => ({
        task,
        estimate,
        lower,
        upper,
        confidence,
        probabilityPositive,
      })),
    inspection: run.inspection,
  };
}

/** The engine's events as the worker protocol's. */
function forward(config: PlaygroundConfig, emit: (event: WorkerEvent) => void) {
  return (event: ComparisonEvent): void => {
    if (event.type === 'run-start') {
      const index = config.models.indexOf(event.run.model as ModelPresetName);
      emit({ type: 'model-start', model: event.run.model, index, totalSteps: config.steps });
    } else if (event.type === 'progress') {
      const { progress, validation } = event;
      emit({
        type: 'progress',
        point: {
          model: event.run.model,
          step: progress.step,
          totalSteps: progress.totalSteps,
          lossPerTask: progress.lossPerTask,
          validationAuc: validation?.tasks.map((task) => task.auc) ?? [],
          samplesPerSecond: progress.samplesPerSecond,
          etaSeconds: progress.etaSeconds,
        },
      });
    } else if (event.type === 'run-done') {
      const { differences: _none, ...result } = modelResult(event.record, []);
      emit({ type: 'model-done', result });
    } else if (event.type === 'warning') {
      emit({ type: 'warning', message: event.message });
    }
  };
}

export interface RunComparisonOptions {
  /** Receives every event in order (the worker posts them to the page). */
  readonly emit: (event: WorkerEvent) => void;
  /** Stops after the current step; the model is still evaluated, later models are skipped. */
  readonly signal?: AbortSignal;
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
  const batchesPerEpoch = Math.ceil(data.train.size / config.batchSize);
  const outcome = await compareModels(
    {
      models: config.models,
      seeds: 1,
      firstSeed: config.seed,
      // A fixed step budget, no early stopping, validation at every progress event.
      training: {
        epochs: Math.ceil(config.steps / batchesPerEpoch),
        maxSteps: config.steps,
        batchSize: config.batchSize,
        learningRate: config.learningRate,
        balancing: config.balancing,
        patience: 0,
        evaluationBatchSize: EVALUATION_BATCH_SIZE,
        validation: 'progress',
      },
      bootstrap: { resamples: DIFFERENCE_RESAMPLES, confidence: DIFFERENCE_CONFIDENCE, seed: config.seed },
      check: { enabled: false },
      inspectionRows: INSPECTION_ROWS,
    },
    {
      catalog: playgroundCatalog(config),
      data: { load: async () => data },
      progressEverySteps: config.evaluateEverySteps,
      evaluateStopped: true,
      ...(options.signal ? { signal: options.signal } : {}),
      onEvent: forward(config, options.emit),
    },
  );
  const gains = outcome.results?.gains ?? [];
  const models = (outcome.results?.runs ?? []).map((run) => modelResult(run, gains));
  const result: ComparisonResult = {
    reference: config.models[0]!,
    tasks: data.info.tasks,
    models,
    oracles,
    stopped: models.length < config.models.length || models.some((m) => m.stoppedReason === 'aborted'),
    seconds: nowSeconds() - started,
  };
  options.emit({ type: 'done', result });
  return result;
}
