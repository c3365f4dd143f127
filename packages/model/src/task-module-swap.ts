/**
 * `withTaskModulesRotated`: runs a function while each task uses the next task's TIM conditioning
 * or TRM refiner (task k takes task (k + 1) mod K's; with two tasks, they swap), then restores the
 * weights. An inference-time test of how much a model relies on a module being task-specific: if
 * the tasks' modules learned the same thing, the metrics do not move.
 */
import { ConfigError } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';
import type { RecommenderModel } from './recommender-model.js';

export const TASK_MODULES = ['tim', 'trm'] as const;
export type TaskModule = (typeof TASK_MODULES)[number];

/** TIM's per-task input: the hypernetwork's task embedding, [K, et]. */
const TASK_EMBEDDING = 'encoder/hypernet/task_embedding';
/** TRM's per-task excitation MLPs: `refiner/task/{k}/excitation/...`. */
const REFINER_TASK = /^refiner\/task\/(\d+)\/(.+)$/;

type Variable = tf.Variable;

/** The new value of every variable the rotation changes. Caller disposes the values. */
function rotatedValues(model: RecommenderModel, module: TaskModule): Map<Variable, tf.Tensor> {
  const K = model.taskNames.length;
  const weights = model.namedWeights();
  const out = new Map<Variable, tf.Tensor>();
  if (module === 'tim') {
    const embedding = weights.find((w) => w.name === TASK_EMBEDDING)?.variable;
    if (embedding) {
      const [first, rest] = tf.split(embedding, [1, K - 1], 0); // [1, et], [K-1, et]
      out.set(embedding, tf.concat([rest!, first!], 0)); // row k = old row k + 1
      tf.dispose([first!, rest!]);
    }
  } else {
    const byName = new Map(weights.map((w) => [w.name, w.variable]));
    for (const { name, variable } of weights) {
      const match = REFINER_TASK.exec(name);
      if (!match) continue;
      const source = byName.get(`refiner/task/${(Number(match[1]) + 1) % K}/${match[2]}`)!;
      out.set(variable, tf.clone(source));
    }
  }
  if (out.size === 0) {
    const what = module === 'tim' ? 'task-conditioned encoder (TIM)' : 'task refiner (TRM)';
    throw new ConfigError(`withTaskModulesRotated: the model has no ${what}`, {
      expected: module === 'tim' ? 'a DTRN model or dtrn-*-no-trm' : 'a DTRN model or dtrn-*-no-tim',
      found: model.args.bottom,
    });
  }
  return out;
}

/**
 * Runs `run` with `module` rotated across tasks and restores the weights afterwards (also when
 * `run` throws). Needs at least two tasks. Not safe to train inside `run`.
 */
export async function withTaskModulesRotated<T>(
  model: RecommenderModel,
  module: TaskModule,
  run: () => T | Promise<T>,
): Promise<T> {
  if (!(TASK_MODULES as readonly string[]).includes(module)) {
    throw new ConfigError('withTaskModulesRotated: unknown module', {
      expected: TASK_MODULES.join(' or '),
      found: module,
    });
  }
  if (model.taskNames.length < 2) {
    throw new ConfigError('withTaskModulesRotated: needs at least two tasks', {
      expected: '>= 2 tasks',
      found: model.taskNames.length,
    });
  }
  const rotated = rotatedValues(model, module);
  const saved = new Map([...rotated.keys()].map((variable) => [variable, tf.clone(variable)]));
  try {
    for (const [variable, value] of rotated) variable.assign(value);
    return await run();
  } finally {
    for (const [variable, value] of saved) variable.assign(value);
    tf.dispose([...rotated.values(), ...saved.values()]);
  }
}
