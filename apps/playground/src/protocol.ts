/**
 * Messages between the page and the training worker. Everything is structured-clone friendly
 * (plain objects, arrays, numbers, strings, null): no tensors, no class instances.
 */
import type { GainInterval, OracleAuc, TaskScores } from '@dtrn/compare';
import type { ModelInspection } from '@dtrn/core';
import type { PlaygroundConfigInput } from './config/playground-config.js';

/** Page -> worker. */
export type WorkerRequest =
  | { readonly type: 'start'; readonly config: PlaygroundConfigInput }
  | { readonly type: 'stop' };

/** One backend the worker tried, in order. */
export interface BackendAttemptInfo {
  readonly backend: string;
  readonly status: 'selected' | 'skipped' | 'failed';
  readonly reason?: string;
}

export interface BackendInfo {
  /** `tf.getBackend()` after selection: `webgl`, `wasm` or `cpu`. */
  readonly name: string;
  /** One line for the page, e.g. `wasm (skipped webgl: no hardware WebGL 2 in this worker)`. */
  readonly summary: string;
  readonly attempts: readonly BackendAttemptInfo[];
  /** wasm only: SIMD and thread count in use. */
  readonly details?: string;
}

export interface DataInfo {
  readonly description: string;
  readonly tasks: readonly string[];
  readonly trainRows: number;
  readonly validationRows: number;
  readonly testRows: number;
  readonly seconds: number;
}

/** Loss and validation AUC of one model at one step. */
export interface CurvePoint {
  readonly model: string;
  readonly step: number;
  readonly totalSteps: number;
  /** Mean training L_k per task since the previous point. */
  readonly lossPerTask: readonly number[];
  /** Validation AUC per task (null when a task's validation rows hold one class). */
  readonly validationAuc: readonly (number | null)[];
  readonly samplesPerSecond: number;
  readonly etaSeconds: number;
}

/** Test metrics of one task of one model (on the task's sample space). */
export type TaskResult = TaskScores;

/** AUC(model) - AUC(reference) on the test split, paired bootstrap interval. */
export type AucDifference = Pick<
  GainInterval,
  'task' | 'estimate' | 'lower' | 'upper' | 'confidence' | 'probabilityPositive'
>;

export interface ModelResult {
  readonly model: string;
  /** `completed` or `maxSteps` for a full run, `aborted` when stopped (evaluated as it was). */
  readonly stoppedReason: string;
  readonly steps: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
  readonly parameters: { readonly dense: number; readonly embedding: number };
  readonly test: readonly TaskResult[];
  /** Against the first model of the comparison; empty for the first model itself. */
  readonly differences: readonly AucDifference[];
  readonly inspection: ModelInspection | null;
}

/** AUC of an oracle logit on the test split. */
export type OracleResult = OracleAuc;

export interface ComparisonResult {
  readonly reference: string;
  readonly tasks: readonly string[];
  readonly models: readonly ModelResult[];
  readonly oracles: readonly OracleResult[];
  /** True when the run was stopped before every model trained its full budget. */
  readonly stopped: boolean;
  readonly seconds: number;
}

/** Worker -> page. */
export type WorkerEvent =
  | { readonly type: 'backend'; readonly backend: BackendInfo }
  | {
      readonly type: 'data';
      readonly data: DataInfo;
      /** Every oracle AUC on the test split. */
      readonly oracles: readonly OracleResult[];
      /** Per task, the true oracle's AUC on the validation split (the line of the AUC charts). */
      readonly validationOracleAuc: readonly (number | null)[];
    }
  | {
      readonly type: 'model-start';
      readonly model: string;
      readonly index: number;
      readonly totalSteps: number;
    }
  | { readonly type: 'progress'; readonly point: CurvePoint }
  /** A model trained and tested (its differences come with `done`). */
  | { readonly type: 'model-done'; readonly result: Omit<ModelResult, 'differences'> }
  /** A task whose validation or test AUC will be undefined (one class in that split). */
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'done'; readonly result: ComparisonResult }
  | { readonly type: 'error'; readonly message: string; readonly name: string; readonly stack?: string };
