/**
 * The engine's `RunTrainer` for `--workers`: `fit` on this thread with one worker, `fitParallel` on n
 * worker threads otherwise. Workers build the same model from the catalog's worker spec; their
 * trained state (the best epoch's when restored) is then loaded into the engine's model, so
 * evaluation, inspection and saving are the same either way.
 */
import { ConfigError } from '@dtrn/base';
import type { ModelCatalog, RunTrainer } from '@dtrn/compare';
import { type FitOptions, fit } from '@dtrn/trainer';
import { fitParallel } from '@dtrn/trainer/node';
import * as tf from '@tensorflow/tfjs-core';

/** `workers`: threads that train (the run's resolved `--workers`; 1 = this thread). */
export function workersTrainer(catalog: ModelCatalog, workers: number): RunTrainer {
  return async ({ run, model, schema, overrides, train, validation, fitOptions }) => {
    if (workers <= 1) return fit(model, train, validation, fitOptions);
    if (!catalog.workerSpec) {
      throw new ConfigError('workers: the model catalog cannot build its models in worker threads', {
        expected: 'workers 1, or a catalog with workerSpec',
      });
    }
    const spec = catalog.workerSpec(run.model, schema, { seed: run.seed, overrides });
    const backend = tf.getBackend() === 'cpu' ? 'cpu' : 'wasm';
    const { modelState, ...result } = await fitParallel(
      { ...spec, args: [...spec.args] },
      train,
      validation,
      {
        ...(fitOptions as Omit<FitOptions, 'balancing'>),
        workers,
        backend,
      },
    );
    model.setState(modelState);
    return result;
  };
}
