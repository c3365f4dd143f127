/**
 * The JSON written to `results.json` by `compare` and `train` (one model, one seed), read back by
 * `dtrn report`. Plain numbers and strings only.
 */
import type { ModelInspection } from '@dtrn/core';
import type { BackendRecord } from '../runtime/backend.js';
import type { WorkersRecord } from '../runtime/workers.js';

export const RESULTS_FORMAT = 'dtrn-run-results';
export const RESULTS_VERSION = 1;

export interface TaskScores {
  readonly task: string;
  readonly count: number;
  readonly positives: number;
  readonly auc: number | null;
  readonly gauc: number | null;
  readonly logloss: number | null;
}

export interface EpochSummary {
  readonly epoch: number;
  readonly steps: number;
  readonly trainLossPerTask: readonly number[];
  readonly validationAuc: readonly (number | null)[];
  readonly improved: boolean;
  /** Tasks the trainer flagged as degenerate after this epoch's validation (absent in results of earlier versions). */
  readonly degenerateTasks?: readonly string[];
}

/**
 * A task that learned nothing in one run. Reasons: `constant-predictions` (validation, the kept
 * weights), `auc-0.5-every-epoch` (validation AUC exactly 0.5 at every epoch),
 * `constant-test-predictions`.
 */
export interface DegenerateEntry {
  readonly task: string;
  readonly reasons: readonly string[];
}

/** One trained model on one seed. */
export interface ModelRun {
  readonly model: string;
  readonly seed: number;
  readonly test: readonly TaskScores[];
  readonly history: readonly EpochSummary[];
  readonly bestEpoch: number | null;
  readonly stoppedReason: string;
  readonly steps: number;
  /** Training wall-clock seconds of this model and seed, over every segment of a resumed run. */
  readonly seconds: number;
  /** Training samples per second over every segment (time inside steps). */
  readonly samplesPerSecond: number;
  readonly parameters: { readonly dense: number; readonly embedding: number };
  readonly inspection: ModelInspection | null;
  /** Degenerate tasks of this run; left out of summaries, intervals and gains (absent in results of earlier versions). */
  readonly degenerate?: readonly DegenerateEntry[];
}

export interface MeanStd {
  readonly mean: number | null;
  readonly std: number | null;
  /** Seeds with a defined value. */
  readonly n: number;
  /** Seeds left out because the task was degenerate in them (absent: none). */
  readonly degenerateSeeds?: readonly number[];
}

export interface ModelSummary {
  readonly model: string;
  readonly tasks: readonly {
    readonly task: string;
    readonly auc: MeanStd;
    readonly gauc: MeanStd;
    readonly logloss: MeanStd;
    /** Pooled bootstrap CI of the mean AUC over seeds (test rows resampled within each seed). */
    readonly aucInterval?: {
      readonly lower: number;
      readonly upper: number;
      readonly confidence: number;
    } | null;
  }[];
}

/** Paired bootstrap CI of a variant's AUC gain over its base, pooled over seeds. */
export interface GainInterval {
  readonly model: string;
  readonly base: string;
  readonly task: string;
  /** Mean over seeds of AUC(model) - AUC(base) on the test split. */
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  readonly confidence: number;
  readonly probabilityPositive: number;
  readonly perSeed: readonly number[];
  /** Seeds left out because the task was degenerate for the model or its base (absent: none). */
  readonly excludedSeeds?: readonly number[];
  /** `win` (CI above 0), `loss` (CI below 0) or `tie`. */
  readonly verdict: 'win' | 'tie' | 'loss';
}

/** Oracle AUC on the test split per task, averaged over seeds (synthetic data only). */
export interface OracleSummary {
  readonly task: string;
  readonly kind: string;
  readonly auc: MeanStd;
}

export interface MeaningfulnessCheck {
  readonly applicable: boolean;
  /** Why it was not applicable, or how it was run. */
  readonly note: string;
  readonly threshold: number;
  /** `own-run`: this comparison's control data; `calibration`: an extra Shared-Bottom run on control data. */
  readonly source: 'own-run' | 'calibration' | null;
  readonly tasks: readonly {
    readonly task: string;
    readonly modelAuc: number;
    readonly sequenceOnlyOracleAuc: number;
    /** (modelAuc - 0.5) / (oracleAuc - 0.5). */
    readonly recovered: number;
    readonly passed: boolean;
  }[];
  readonly passed: boolean | null;
}

export interface RunResults {
  readonly format: typeof RESULTS_FORMAT;
  readonly version: typeof RESULTS_VERSION;
  readonly kind: 'compare' | 'train' | 'evaluate';
  readonly name: string;
  readonly description: string;
  readonly data: string;
  readonly createdAt: string;
  readonly backend: BackendRecord;
  /** Threads that trained and why (`--workers`; absent in results written before it existed). */
  readonly workers?: WorkersRecord;
  readonly tasks: readonly string[];
  readonly models: readonly string[];
  readonly seeds: readonly number[];
  readonly runs: readonly ModelRun[];
  readonly summary: readonly ModelSummary[];
  readonly gains: readonly GainInterval[];
  readonly oracles: readonly OracleSummary[];
  readonly check: MeaningfulnessCheck;
  /**
   * Wall-clock seconds of the whole run. After `--resume`: this invocation plus what earlier ones
   * recorded (training time up to the checkpoint resumed from, and the runs kept).
   */
  readonly seconds: number;
}
