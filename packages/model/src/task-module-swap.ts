/**
 * Inference-time knock-outs of DTRN's task-specific modules; each runs a function with changed
 * weights and restores them afterwards:
 * - `withTaskModulesRotated`: each task uses the next task's TIM conditioning or TRM refiner (task k
 *   takes task (k + 1) mod K's; two tasks swap). If the tasks' modules learned the same thing, the
 *   metrics do not move: a test of how much the model relies on the module being task-specific.
 * - `withTaskModulesReset`: the module's last layer back at its initial zeros, so TIM generates
 *   plain LayerNorms (gamma 1, beta 0) and TRM gives every field its starting weight (1 with the
 *   default scaled sigmoid): a test of how much the model relies on the module at all.
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
/** The last layers that start at zero (TRM's bias starts at 1 with the relu excitation). */
const HYPERNET_LAST = /^encoder\/hypernet\/1\/(kernel|bias)$/;
const REFINER_LAST = /^refiner\/task\/\d+\/excitation\/1\/(kernel|bias)$/;

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
  return checkFound(model, module, out);
}

/** The last layers of `module` at their initial values. Caller disposes the values. */
function resetValues(model: RecommenderModel, module: TaskModule): Map<Variable, tf.Tensor> {
  const out = new Map<Variable, tf.Tensor>();
  const reluBias = model.args.refiner.excitationActivation === 'relu';
  for (const { name, variable } of model.namedWeights()) {
    if (module === 'tim' && HYPERNET_LAST.test(name)) out.set(variable, tf.zerosLike(variable));
    if (module === 'trm' && REFINER_LAST.test(name)) {
      const start = reluBias && name.endsWith('/bias') ? tf.onesLike(variable) : tf.zerosLike(variable);
      out.set(variable, start);
    }
  }
  return checkFound(model, module, out);
}

function checkFound(
  model: RecommenderModel,
  module: TaskModule,
  out: Map<Variable, tf.Tensor>,
): Map<Variable, tf.Tensor> {
  if (out.size === 0) {
    const what = module === 'tim' ? 'task-conditioned encoder (TIM)' : 'task refiner (TRM)';
    throw new ConfigError(`the model has no ${what}`, {
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
export function withTaskModulesRotated<T>(
  model: RecommenderModel,
  module: TaskModule,
  run: () => T | Promise<T>,
): Promise<T> {
  return withChangedWeights(model, module, 'withTaskModulesRotated', rotatedValues, run);
}

/**
 * Runs `run` with `module`'s last layer at its initial values (TIM: plain LayerNorms; TRM: every
 * field at its starting weight) and restores the weights afterwards (also when `run` throws).
 */
export function withTaskModulesReset<T>(
  model: RecommenderModel,
  module: TaskModule,
  run: () => T | Promise<T>,
): Promise<T> {
  return withChangedWeights(model, module, 'withTaskModulesReset', resetValues, run);
}

async function withChangedWeights<T>(
  model: RecommenderModel,
  module: TaskModule,
  where: string,
  values: (model: RecommenderModel, module: TaskModule) => Map<Variable, tf.Tensor>,
  run: () => T | Promise<T>,
): Promise<T> {
  if (!(TASK_MODULES as readonly string[]).includes(module)) {
    throw new ConfigError(`${where}: unknown module`, {
      expected: TASK_MODULES.join(' or '),
      found: module,
    });
  }
  if (model.taskNames.length < 2) {
    throw new ConfigError(`${where}: needs at least two tasks`, {
      expected: '>= 2 tasks',
      found: model.taskNames.length,
    });
  }
  const changed = values(model, module);
  const saved = new Map([...changed.keys()].map((variable) => [variable, tf.clone(variable)]));
  try {
    for (const [variable, value] of changed) variable.assign(value);
    return await run();
  } finally {
    for (const [variable, value] of saved) variable.assign(value);
    tf.dispose([...changed.values(), ...saved.values()]);
  }
}
