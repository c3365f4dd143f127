/**
 * Training settings shared by `train` and `compare` (every model of a comparison gets the same):
 * the engine's `TrainingSettings` (`@dtrn/compare`) as a config-file schema, with its defaults.
 */
import { BALANCING_NAMES, DEFAULT_TRAINING as D } from '@dtrn/compare';
import * as z from 'zod';
import { strictObject } from './strict-schema.js';

export const trainingSchema = strictObject({
  /** Passes over the training split. Default 5; integer >= 1. */
  epochs: z.number().int().min(1).default(D.epochs),
  /** Samples per step. Default 1024; integer >= 1. */
  batchSize: z.number().int().min(1).default(D.batchSize),
  /** Dense Adam learning rate. Default 2e-3 (DATA.md: what worked for every model); > 0. */
  learningRate: z.number().positive().max(1).default(D.learningRate),
  /** Step budget per model (all models get the same); none by default; integer >= 1. */
  maxSteps: z.number().int().min(1).optional(),
  /** Early stopping: non-improving epochs of the monitor tolerated (stops at the next one). Default 2; 0 = never stop early. */
  patience: z.number().int().min(0).default(D.patience),
  /**
   * Validation metric early stopping selects on: `meanAuc` (default), `minAuc` (the worst task's
   * AUC: a dead task cannot hide behind the others), `meanGauc`, `meanLogloss`, or one task's
   * `auc:<task>`, `gauc:<task>`, `logloss:<task>`. Checked against the data's tasks before training.
   */
  monitor: z.string().min(1).default(D.monitor),
  /** Loss balancing of the trainer. Default `equal`. */
  balancing: z.enum(BALANCING_NAMES).default(D.balancing),
  /** Samples per validation / test forward pass. Default 4096. */
  evaluationBatchSize: z.number().int().min(1).default(D.evaluationBatchSize),
  /** Also checkpoint every N steps (0: epoch ends and Ctrl-C only). Default 0. */
  checkpointEverySteps: z.number().int().min(0).default(D.checkpointEverySteps),
});

export type TrainingConfig = z.output<typeof trainingSchema>;
export type TrainingInput = z.input<typeof trainingSchema>;
