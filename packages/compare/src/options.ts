/**
 * How a caller plugs into a comparison: where the data comes from, where checkpoints and finished
 * runs are kept (optional), and what it hears while the comparison runs. Apps keep their own
 * concerns (files, terminals, workers) behind these small interfaces.
 */
import type { MultiTaskModel, Storage } from '@dtrn/core';
import type { Batch, DatasetSchema, InMemoryDataset } from '@dtrn/data';
import type { MultiTaskReport } from '@dtrn/metrics';
import type { EpochEndEvent, FitOptions, FitResult, ProgressEvent } from '@dtrn/trainer';
import type { ModelCatalog } from './catalog.js';
import type { SeedData } from './check-data.js';
import type { ModelRun } from './results.js';

/** The data of a comparison, one seed at a time. */
export interface ComparisonDataSource {
  /** The splits of one seed; every model of the seed trains and is tested on them. */
  load(seed: number): Promise<SeedData>;
  /**
   * Set for synthetic data from `@dtrn/datasets`' generator (its splits carry the oracle logits):
   * oracle AUCs are reported and DATA.md's meaningfulness check applies. `control`: this data is
   * the control setting; `loadControl`: the control setting's data with the same size, knobs and
   * split, for the check's calibration run. Absent: no oracles, the check does not apply.
   */
  readonly synthetic?: {
    readonly control: boolean;
    loadControl(seed: number): Promise<SeedData>;
  };
}

/** Which run an event or a stored record is about. */
export interface RunKey {
  /** Catalog name of the model. */
  readonly model: string;
  readonly seed: number;
  /** Name of the run's checkpoints and records: the model name, or `calibration-<model>-control`. */
  readonly name: string;
  /** True for the meaningfulness check's calibration run. */
  readonly calibration: boolean;
}

/** Checkpoints and finished runs, kept so an interrupted comparison can resume. */
export interface ComparisonStore {
  /** Where `fit` writes the run's checkpoints (and resumes from them with `resume`). */
  checkpoints(run: RunKey): { readonly storage: Storage; readonly directory: string };
  /** Keeps a finished run: its record and each task's test probabilities (every test row). */
  saveRun(run: RunKey, record: ModelRun, predictions: readonly Float32Array[]): Promise<void>;
  /** A finished run kept by an earlier call, or null; read only with `resume`. Without it every run trains. */
  loadRun?(run: RunKey, numTasks: number): Promise<{ record: ModelRun; predictions: Float32Array[] } | null>;
}

/** One run's training, as `fit` takes it, plus what a trainer on other threads needs to rebuild the model. */
export interface TrainRequest {
  readonly run: RunKey;
  /** The model built by the catalog on this thread: trained here, or given the trained state. */
  readonly model: MultiTaskModel<Batch>;
  readonly schema: DatasetSchema;
  /** The preset's settings (`CreateModelOptions.overrides`), for `ModelCatalog.workerSpec`. */
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly train: InMemoryDataset;
  /** Null with `training.validation: 'progress'` (the engine validates at progress events). */
  readonly validation: InMemoryDataset | null;
  readonly fitOptions: FitOptions;
}

/**
 * How a run trains. The default is `@dtrn/trainer`'s `fit(model, train, validation, fitOptions)` on
 * this thread. Another trainer (e.g. `fitParallel` on worker threads) must leave `model` holding
 * the trained state `fit` would leave (the best epoch's when restored): the engine evaluates,
 * inspects and hands that model on. With `training.validation: 'progress'` the engine validates
 * `model` at each progress event, so such a trainer must keep it current or refuse that setting.
 */
export type RunTrainer = (request: TrainRequest) => Promise<FitResult>;

/** What happens, in order. Epochs inside `progress` and `epoch` are the trainer's (from 0). */
export type ComparisonEvent =
  | {
      readonly type: 'data';
      readonly seed: number;
      readonly data: SeedData;
      /** True for the calibration run's control data. */
      readonly calibration: boolean;
    }
  /** A one-class task outside training: its AUC will be null. */
  | { readonly type: 'warning'; readonly message: string }
  /** A run finished by an earlier call (resume), kept as it was. */
  | { readonly type: 'run-kept'; readonly run: RunKey; readonly record: ModelRun }
  | { readonly type: 'run-start'; readonly run: RunKey; readonly taskNames: readonly string[] }
  | {
      readonly type: 'progress';
      readonly run: RunKey;
      readonly progress: ProgressEvent;
      /** The validation report at this step with `training.validation: 'progress'`, else null. */
      readonly validation: MultiTaskReport | null;
    }
  | { readonly type: 'epoch'; readonly run: RunKey; readonly epoch: EpochEndEvent }
  /** Stopped by the signal and not evaluated: its checkpoint lets a later call resume. */
  | { readonly type: 'run-stopped'; readonly run: RunKey; readonly fit: FitResult }
  | { readonly type: 'run-done'; readonly run: RunKey; readonly record: ModelRun };

export interface ComparisonOptions {
  readonly catalog: ModelCatalog;
  readonly data: ComparisonDataSource;
  /** Checkpoints and finished runs; none by default (nothing is written). */
  readonly store?: ComparisonStore;
  /** Continue from the store: finished runs are kept, the current one resumes from its checkpoint. Default false. */
  readonly resume?: boolean;
  /** Stops after the current step (with a checkpoint when there is a store). */
  readonly signal?: AbortSignal;
  /** Every event, awaited before the comparison goes on. */
  readonly onEvent?: (event: ComparisonEvent) => void | Promise<void>;
  /** Steps between progress events. Default 10. */
  readonly progressEverySteps?: number;
  /**
   * After a stop: false (default) returns no results (resume later); true evaluates the stopped
   * model as it is (`stoppedReason: 'aborted'`) and returns results of the runs so far.
   */
  readonly evaluateStopped?: boolean;
  /** How each run trains; default `fit` on this thread (see RunTrainer). */
  readonly trainer?: RunTrainer;
  /** Called with each model that finished training, before its test evaluation (e.g. to save it). */
  readonly onTrained?: (model: MultiTaskModel<Batch>, run: RunKey) => Promise<void>;
}
