/**
 * The config files of `compare` and `train` (JSON or YAML), resolved strictly: the engine's
 * comparison config (`@dtrn/compare`, same keys and defaults) plus the app's `name`,
 * `description` and `data`.
 */
import {
  type ComparisonConfigInput,
  DEFAULT_BOOTSTRAP,
  DEFAULT_CHECK,
  DEFAULT_COMPARISON,
} from '@dtrn/compare';
import * as z from 'zod';
import { dataSchema } from './data-config.js';
import { strictObject } from './strict-schema.js';
import { trainingSchema } from './training-config.js';

const seedSchema = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);

export const bootstrapSchema = strictObject({
  /** Bootstrap resamples for the CIs. Default 1000; integer >= 10. */
  resamples: z.number().int().min(10).default(DEFAULT_BOOTSTRAP.resamples),
  /** Confidence level. Default 0.95; in (0, 1). */
  confidence: z.number().gt(0).lt(1).default(DEFAULT_BOOTSTRAP.confidence),
});

export const checkSchema = strictObject({
  /** Run DATA.md's meaningfulness check on synthetic data. Default true. */
  enabled: z.boolean().default(DEFAULT_CHECK.enabled),
  /**
   * Share of the sequence-only oracle's AUC gain over 0.5 that Shared-Bottom must reach, per task,
   * on the control setting. Default 0.9 (DATA.md rule 1).
   */
  threshold: z.number().gt(0).max(1).default(DEFAULT_CHECK.threshold),
});

/** Settings passed to every model of a run (e.g. `embeddingDim`), validated by @dtrn/model. */
const modelOverridesSchema = z.record(z.string(), z.unknown()).default({});

export const compareConfigSchema = strictObject({
  /** Free-form name shown in reports. */
  name: z.string().min(1).default('custom'),
  description: z.string().default(''),
  data: dataSchema,
  /** Model presets to compare (names from @dtrn/model). */
  models: z.array(z.string().min(1)).min(1),
  /** Number of seeds. Default 3; integer >= 1. */
  seeds: z.number().int().min(1).max(100).default(DEFAULT_COMPARISON.seeds),
  /** First seed; seeds are firstSeed, firstSeed + 1, ... Default 0. */
  firstSeed: seedSchema.default(DEFAULT_COMPARISON.firstSeed),
  training: trainingSchema.default(trainingSchema.parse({})),
  modelOverrides: modelOverridesSchema,
  /** Per model name, settings merged over `modelOverrides` (e.g. head sizes that differ by head). */
  perModel: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  bootstrap: bootstrapSchema.default(bootstrapSchema.parse({})),
  check: checkSchema.default(checkSchema.parse({})),
});

export const trainConfigSchema = strictObject({
  name: z.string().min(1).default('train'),
  data: dataSchema,
  /** The model preset (a name from @dtrn/model). */
  model: z.string().min(1),
  modelOverrides: modelOverridesSchema,
  /** Seed of data generation, split, initialisation and data order. Default 0. */
  seed: seedSchema.default(0),
  training: trainingSchema.default(trainingSchema.parse({})),
});

export type CompareConfig = z.output<typeof compareConfigSchema>;
export type CompareConfigInput = z.input<typeof compareConfigSchema>;
export type TrainConfig = z.output<typeof trainConfigSchema>;
export type TrainConfigInput = z.input<typeof trainConfigSchema>;

/** The engine's part of a comparison config (everything but name, description and data). */
export function engineConfig(config: CompareConfig): ComparisonConfigInput {
  const { models, seeds, firstSeed, training, modelOverrides, perModel, bootstrap, check } = config;
  return { models, seeds, firstSeed, training, modelOverrides, perModel, bootstrap, check };
}
