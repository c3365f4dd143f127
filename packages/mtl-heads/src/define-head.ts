/**
 * `defineHead` turns a head's essentials (arguments, weight layout, forward, closed-form count)
 * into a full `MtlHeadDefinition`: it adds `createParams` (seeded tf.Variables) and `variables`
 * (the shared / per-task split), so a new head is one file.
 */
import { ConfigError } from '@dtrn/base';
import { seededInitializer } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import type {
  HeadWeightSpec,
  MtlHeadBaseArgs,
  MtlHeadDefinition,
  MtlHeadVariables,
  WeightCreator,
} from './contract.js';

/** What a head file provides; `defineHead` adds the rest. */
export type HeadEssentials<Args extends MtlHeadBaseArgs, Params> = Omit<
  MtlHeadDefinition<Args, Params>,
  'createParams' | 'variables'
>;

/** Variables of every params object made by a definition's `createParams`. */
const createdVariables = new WeakMap<object, MtlHeadVariables>();

/** The initial value of a declared weight (same values the Layer's `addWeight` produces). */
export function initialValue(spec: HeadWeightSpec, seed: number): tf.Tensor {
  return seededInitializer(spec.initializer, seed, spec.name, {
    balancedSigns: spec.balancedSigns ?? false,
  }).apply([...spec.shape], 'float32');
}

/** Creates one trainable variable per declared weight and organises them with `buildParams`. */
export function createHeadParams<Args extends MtlHeadBaseArgs, Params>(
  essentials: HeadEssentials<Args, Params>,
  args: Args,
): Params {
  const shared: Record<string, tf.Variable> = {};
  const perTask: Record<string, tf.Variable>[] = Array.from({ length: args.numTasks }, () => ({}));
  const seen = new Set<string>();
  const params = essentials.buildParams(args, (spec) => {
    if (seen.has(spec.name)) {
      throw new ConfigError(`head "${essentials.name}" declares the weight "${spec.name}" twice`);
    }
    seen.add(spec.name);
    const init = initialValue(spec, args.seed);
    // Automatic (unique) variable names, so the same head can be created twice.
    const variable = tf.variable(init, true);
    init.dispose(); // the variable holds its own reference to the data
    if (spec.owner === 'shared') shared[spec.name] = variable;
    else {
      const bucket = perTask[spec.owner];
      if (!bucket) {
        throw new ConfigError(`head "${essentials.name}": weight "${spec.name}" has an invalid owner`, {
          expected: `"shared" or a task index in [0, ${args.numTasks - 1}]`,
          found: spec.owner,
        });
      }
      bucket[spec.name] = variable;
    }
    return variable;
  });
  if (typeof params !== 'object' || params === null) {
    throw new ConfigError(`head "${essentials.name}": buildParams must return an object`, { found: params });
  }
  createdVariables.set(params as object, { shared, perTask });
  return params;
}

/** The variables of params returned by `createParams`. */
export function headVariables(params: unknown, headName: string): MtlHeadVariables {
  const found = typeof params === 'object' && params !== null ? createdVariables.get(params) : undefined;
  if (!found) {
    throw new ConfigError(`${headName} variables: params were not created by createParams`, {
      expected: `the object returned by the "${headName}" head's createParams`,
      found: params === null ? 'null' : typeof params,
    });
  }
  return found;
}

/** All variables of a head, flat, by name (shared first, then task 0, 1, ...). */
export function allHeadVariables(variables: MtlHeadVariables): Record<string, tf.Variable> {
  return Object.assign({}, variables.shared, ...variables.perTask) as Record<string, tf.Variable>;
}

/** Completes a head definition. */
export function defineHead<Args extends MtlHeadBaseArgs, Params>(
  essentials: HeadEssentials<Args, Params>,
): MtlHeadDefinition<Args, Params> {
  return Object.freeze({
    ...essentials,
    createParams: (args: Args) => createHeadParams(essentials, args),
    variables: (params: Params) => headVariables(params, essentials.name),
  });
}

/** Helper for `buildParams`: declares a weight and returns its tensor. */
export function declare(
  create: WeightCreator,
  name: string,
  shape: readonly number[],
  initializer: HeadWeightSpec['initializer'],
  owner: HeadWeightSpec['owner'],
  options: { readonly balancedSigns?: boolean } = {},
): tf.Tensor {
  return create({
    name,
    shape,
    initializer,
    owner,
    ...(options.balancedSigns ? { balancedSigns: true } : {}),
  });
}
