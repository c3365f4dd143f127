/**
 * What a comparison produces: per (model, seed) runs, per-model summaries over seeds, gains of each
 * variant over its base, oracle AUCs and the meaningfulness check. Plain numbers and strings only
 * (JSON- and structured-clone-safe), so an app can write them to a file or post them from a worker.
 *
 * Epochs are numbered from 1 here (`EpochSummary.epoch`, `ModelRun.bestEpoch`), as people count
 * them; the trainer's API counts from 0 (an index into `FitResult.history`).
 */
import type { ModelInspection } from '@dtrn/core';

/** Test metrics of one task of one run, on the task's sample space. */
export interface TaskScores {
  readonly task: string;
  readonly count: number;
  readonly positives: number;
  readonly auc: number | null;
  readonly gauc: number | null;
  readonly logloss: number | null;
}

export interface EpochSummary {
  /** Epoch number, from 1. */
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
  /** The epoch whose weights were kept (from 1), or null without validation. */
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

/** AUC of one oracle logit on one split (synthetic data only). */
export interface OracleAuc {
  readonly task: string;
  readonly kind: string;
  readonly auc: number | null;
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

/** Everything a comparison measured. */
export interface ComparisonResults {
  readonly tasks: readonly string[];
  readonly models: readonly string[];
  readonly seeds: readonly number[];
  readonly runs: readonly ModelRun[];
  readonly summary: readonly ModelSummary[];
  readonly gains: readonly GainInterval[];
  /**
   * Each multi-task model's AUC gain over the single-task model (`base`), same bootstrap as
   * `gains`: a CI below 0 is negative transfer. Absent when no single-task model was compared (and
   * in results of earlier versions).
   */
  readonly transfer?: readonly GainInterval[];
  readonly oracles: readonly OracleSummary[];
  readonly check: MeaningfulnessCheck;
}
