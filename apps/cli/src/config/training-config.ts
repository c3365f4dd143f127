/** Training settings shared by `train` and `compare` (every model of a comparison gets the same). */
import * as z from 'zod';
import { strictObject } from './strict-schema.js';

export const BALANCING_NAMES = ['equal', 'uncertainty', 'gradnorm', 'pcgrad'] as const;

export const trainingSchema = strictObject({
  /** Passes over the training split. Default 5; integer >= 1. */
  epochs: z.number().int().min(1).default(5),
  /** Samples per step. Default 1024; integer >= 1. */
  batchSize: z.number().int().min(1).default(1024),
  /** Dense Adam learning rate. Default 2e-3 (DATA.md: what worked for every model); > 0. */
  learningRate: z.number().positive().max(1).default(0.002),
  /** Step budget per model (all models get the same); none by default; integer >= 1. */
  maxSteps: z.number().int().min(1).optional(),
  /** Early stopping: non-improving epochs of the monitor tolerated (stops at the next one). Default 2; 0 = never stop early. */
  patience: z.number().int().min(0).default(2),
  /**
   * Validation metric early stopping selects on: `meanAuc` (default), `minAuc` (the worst task's
   * AUC: a dead task cannot hide behind the others), `meanGauc`, `meanLogloss`, or one task's
   * `auc:<task>`, `gauc:<task>`, `logloss:<task>`. Checked against the data's tasks before training.
   */
  monitor: z.string().min(1).default('meanAuc'),
  /** Loss balancing of the trainer. Default `equal`. */
  balancing: z.enum(BALANCING_NAMES).default('equal'),
  /** Samples per validation / test forward pass. Default 4096. */
  evaluationBatchSize: z.number().int().min(1).default(4096),
  /** Also checkpoint every N steps (0: epoch ends and Ctrl-C only). Default 0. */
  checkpointEverySteps: z.number().int().min(0).default(0),
});

export type TrainingConfig = z.output<typeof trainingSchema>;
export type TrainingInput = z.input<typeof trainingSchema>;
