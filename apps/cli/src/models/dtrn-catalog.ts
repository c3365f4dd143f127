/**
 * The app's model presets: @dtrn/model's named configurations (baselines, DTRN, ablations), with
 * their descriptions and bases from the same place.
 */
import { ConfigError, isConfigError } from '@dtrn/base';
import type { CreateModelOptions, ModelCatalog } from '@dtrn/compare';
import type { DatasetSchema } from '@dtrn/data';
import {
  checkModelConfig,
  createModel,
  MODEL_PRESET_DESCRIPTIONS,
  MODEL_PRESET_NAMES,
  type ModelArgs,
  type ModelPresetName,
  modelPreset,
  modelPresetBase,
  type RecommenderModel,
  saveModel,
} from '@dtrn/model';

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
  baseOf: (name) => modelPresetBase(asPreset(name)),
  describe: (name) => MODEL_PRESET_DESCRIPTIONS[asPreset(name)],
  // Models from `create` are @dtrn/model RecommenderModels: the saved directory is documented there.
  save: async (model, storage, directory) => {
    await saveModel(model as RecommenderModel, storage, directory);
  },
};
