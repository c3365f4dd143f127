/** The config files of `compare` and `train` (JSON or YAML), resolved strictly. */
import { ConfigError, closestMatch } from '@dtrn/base';
import * as z from 'zod';
import { dataSchema } from './data-config.js';
import { deepMerge } from './load-config.js';
import { strictObject } from './strict-schema.js';
import { trainingSchema } from './training-config.js';

const seedSchema = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);

export const bootstrapSchema = strictObject({
  /** Bootstrap resamples for the CIs. Default 1000; integer >= 10. */
  resamples: z.number().int().min(10).default(1000),
  /** Confidence level. Default 0.95; in (0, 1). */
  confidence: z.number().gt(0).lt(1).default(0.95),
});

export const checkSchema = strictObject({
  /** Run DATA.md's meaningfulness check on synthetic data. Default true. */
  enabled: z.boolean().default(true),
  /**
   * Share of the sequence-only oracle's AUC gain over 0.5 that Shared-Bottom must reach, per task,
   * on the control setting. Default 0.9 (DATA.md rule 1).
   */
  threshold: z.number().gt(0).max(1).default(0.9),
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
  seeds: z.number().int().min(1).max(100).default(3),
  /** First seed; seeds are firstSeed, firstSeed + 1, ... Default 0. */
  firstSeed: seedSchema.default(0),
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

/** A model's settings in a comparison: `modelOverrides` with `perModel[model]` merged over it. */
export function overridesFor(config: CompareConfig, model: string): Record<string, unknown> {
  return deepMerge(config.modelOverrides, config.perModel[model] ?? {}) as Record<string, unknown>;
}

/** Every `perModel` key must be one of the comparison's models. */
export function checkPerModelKeys(config: CompareConfig): void {
  for (const key of Object.keys(config.perModel)) {
    if (config.models.includes(key)) continue;
    const closest = closestMatch(key, config.models);
    throw new ConfigError(
      `compare config.perModel: "${key}" is not a model of this comparison${closest ? `; did you mean "${closest}"?` : ''}`,
      { expected: `one of ${config.models.join(', ')}` },
    );
  }
}
