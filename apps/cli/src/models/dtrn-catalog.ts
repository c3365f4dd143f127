/**
 * The app's model presets: @dtrn/model's named configurations (baselines, DTRN, ablations), with
 * their descriptions and bases from the same place.
 */
import { ConfigError, isConfigError } from '@dtrn/base';
import type { CreateModelOptions, ModelCatalog } from '@dtrn/compare';
import {
  checkModelConfig,
  createModel,
  MODEL_PRESET_DESCRIPTIONS,
  MODEL_PRESET_NAMES,
  type ModelArgs,
  type ModelPresetName,
  modelPreset,
  modelPresetBase,
  modelPresetIsSingleTask,
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

/** Runs `check`; a ConfigError gets the preset name in front (which model of the comparison it is). */
function namingModel(name: string, check: () => unknown): void {
  try {
    check();
  } catch (error) {
    if (!isConfigError(error)) throw error;
    throw new ConfigError(`model "${name}": ${(error as Error).message}`, { cause: error });
  }
}

export const dtrnCatalog: ModelCatalog = {
  names: MODEL_PRESET_NAMES,
  create: (name, schema, options) => createModel(schema, argsOf(name, options)),
  // The library's check on the data (e.g. TIM needs sequences).
  check: (name, schema, options) => namingModel(name, () => checkModelConfig(schema, argsOf(name, options))),
  // Without the data: the overrides' keys and values (run for every model before reading any data).
  checkSettings: (name, options) => namingModel(name, () => argsOf(name, options)),
  // Workers import @dtrn/model as this app resolves it (the same installed copy).
  workerSpec: (name, schema, options) => ({
    module: import.meta.resolve('@dtrn/model'),
    exportName: 'createModel',
    args: [schema, modelPreset(asPreset(name), { ...(options.overrides as ModelArgs), seed: options.seed })],
  }),
  baseOf: (name) => modelPresetBase(asPreset(name)),
  isSingleTask: (name) => modelPresetIsSingleTask(asPreset(name)),
  describe: (name) => MODEL_PRESET_DESCRIPTIONS[asPreset(name)],
  // Models from `create` are @dtrn/model RecommenderModels: the saved directory is documented there.
  save: async (model, storage, directory) => {
    await saveModel(model as RecommenderModel, storage, directory);
  },
};
