/** The app's model presets: @dtrn/model's named configurations (baselines, DTRN, ablations). */
import { ConfigError, isConfigError } from '@dtrn/base';
import type { CreateModelOptions, ModelCatalog } from '@dtrn/compare';
import type { DatasetSchema } from '@dtrn/data';
import {
  checkModelConfig,
  createModel,
  MODEL_PRESET_NAMES,
  type ModelArgs,
  type ModelPresetName,
  modelPreset,
  type RecommenderModel,
  saveModel,
} from '@dtrn/model';

/**
 * The base each variant's gain is measured against: DTRN (or TRM alone) on head X against X; the
 * ablations of dtrn-ple (no TIM, no TRM) against PLE.
 */
export const BASE_OF: Readonly<Partial<Record<ModelPresetName, ModelPresetName>>> = Object.freeze({
  'dtrn-shared-bottom': 'shared-bottom',
  'dtrn-mmoe': 'mmoe',
  'dtrn-ple': 'ple',
  'dtrn-shared-bottom-no-tim': 'shared-bottom',
  'dtrn-mmoe-no-tim': 'mmoe',
  'dtrn-ple-no-tim': 'ple',
  'dtrn-ple-no-trm': 'ple',
});

const DESCRIPTIONS: Readonly<Record<ModelPresetName, string>> = {
  'shared-bottom': 'Shared-Bottom: one shared MLP bottom, a tower per task (baseline)',
  mmoe: 'MMoE: 4 experts, a softmax gate per task (baseline)',
  ple: 'PLE: one CGC level, 1 expert per task + 2 shared (baseline)',
  'dtrn-shared-bottom': 'DTRN bottoms (TIM + TRM) with a Shared-Bottom head',
  'dtrn-mmoe': 'DTRN bottoms (TIM + TRM) with an MMoE head',
  'dtrn-ple': 'DTRN bottoms (TIM + TRM) with a PLE head',
  'dtrn-shared-bottom-no-tim':
    'DTRN without TIM (unconditioned encoder + TRM) with a Shared-Bottom head; fits data without sequences',
  'dtrn-mmoe-no-tim':
    'DTRN without TIM (unconditioned encoder + TRM) with an MMoE head; fits data without sequences',
  'dtrn-ple-no-tim':
    'ablation: DTRN-PLE without TIM (unconditioned encoder + TRM); fits data without sequences',
  'dtrn-ple-no-trm': 'ablation: DTRN-PLE without TRM (TIM interests, no field re-weighting)',
  'single-task': 'one independent model per task (negative-transfer reference)',
};

function asPreset(name: string): ModelPresetName {
  if ((MODEL_PRESET_NAMES as readonly string[]).includes(name)) return name as ModelPresetName;
  throw new ConfigError(`unknown model preset "${name}"`, { expected: MODEL_PRESET_NAMES.join(', ') });
}

function argsOf(name: string, options: CreateModelOptions): ModelArgs {
  return modelPreset(asPreset(name), { ...(options.overrides as ModelArgs), seed: options.seed });
}

/** The library's check, its message prefixed with the preset name (the data may not suit it). */
function check(name: string, schema: DatasetSchema, options: CreateModelOptions): void {
  try {
    checkModelConfig(schema, argsOf(name, options));
  } catch (error) {
    if (!isConfigError(error)) throw error;
    throw new ConfigError(`model "${name}": ${(error as Error).message}`, { cause: error });
  }
}

export const dtrnCatalog: ModelCatalog = {
  names: MODEL_PRESET_NAMES,
  create: (name, schema, options) => createModel(schema, argsOf(name, options)),
  check,
  // Workers import @dtrn/model as this app resolves it (the same installed copy).
  workerSpec: (name, schema, options) => ({
    module: import.meta.resolve('@dtrn/model'),
    exportName: 'createModel',
    args: [schema, modelPreset(asPreset(name), { ...(options.overrides as ModelArgs), seed: options.seed })],
  }),
  baseOf: (name) => BASE_OF[asPreset(name)] ?? null,
  describe: (name) => DESCRIPTIONS[asPreset(name)],
  // Models from `create` are @dtrn/model RecommenderModels: the saved directory is documented there.
  save: async (model, storage, directory) => {
    await saveModel(model as RecommenderModel, storage, directory);
  },
};
