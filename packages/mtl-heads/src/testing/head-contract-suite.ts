/**
 * The contract tests every head runs (test-only; not part of the package build): a new head calls
 * `describeHeadContract(definition, { args, gradientArgs })` from its test file.
 */
import { checkGradients, expectNoLeakedTensors, saveLoadRoundTrip } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import type { MtlHeadBaseArgs, MtlHeadDefinition, MtlHeadInputs } from '../contract.js';
import { allHeadVariables } from '../define-head.js';
import { mtlHead } from '../mtl-head-layer.js';
import { maxDifference, randomInputs } from './tensors.js';

export interface HeadContractOptions {
  /** Raw arguments of a tiny head with numTasks >= 2 (keep it small: tests run on cpu too). */
  readonly args: Record<string, unknown>;
  /** Raw arguments for the finite-difference check (smooth activation, tiny). Default: `args` with tanh. */
  readonly gradientArgs?: Record<string, unknown>;
  /** Whether the head reads the shared input (the gradient check then includes it). */
  readonly readsSharedInput: boolean;
  /** Arguments without a default that apps pass beside the sizes (e.g. ESMM's `cascade`). */
  readonly requiredArgs?: Record<string, unknown>;
}

/** Task `task`'s training loss stand-in: sum of its loss logit (or logit) plus its auxiliary loss. */
function trainingTerm(
  head: AnyHead,
  params: unknown,
  inputs: MtlHeadInputs,
  args: MtlHeadBaseArgs,
  task: number,
) {
  const output = head.forward(params, inputs, args, { training: false, withLoss: true });
  const logit = output.lossLogits?.[task] ?? output.logits[task]!;
  const auxiliary = output.auxiliaryLosses?.[task];
  return (auxiliary ? tf.add(tf.sum(logit), auxiliary) : tf.sum(logit)) as tf.Scalar;
}

// biome-ignore lint/suspicious/noExplicitAny: the suite accepts heads of any argument and params types
type AnyHead = MtlHeadDefinition<any, any>;

function forwardOnce(head: AnyHead, params: unknown, inputs: MtlHeadInputs, args: MtlHeadBaseArgs) {
  return head.forward(params, inputs, args, { training: false, returnGates: true });
}

export function describeHeadContract(head: AnyHead, options: HeadContractOptions): void {
  const args = head.resolveArgs(options.args) as MtlHeadBaseArgs;
  const numTasks = args.numTasks;
  const batch = 5;

  describe(`${head.name}: head contract`, () => {
    it('returns K logits [B, 1] and the described gates [B, E] with rows summing to 1', () => {
      const params = head.createParams(args);
      const inputs = randomInputs(numTasks, batch, args.inputDim, 1);
      const output = forwardOnce(head, params, inputs, args);
      expect(output.logits.map((t) => t.shape)).toEqual(Array.from({ length: numTasks }, () => [batch, 1]));
      const described = head.describeGates(args);
      expect(output.gates.map((g) => [g.name, g.task, g.weights.shape])).toEqual(
        described.map((g) => [g.name, g.task, [batch, g.numExperts]]),
      );
      for (const gate of output.gates) {
        const rowSums = tf.tidy(() => tf.sum(gate.weights, 1).dataSync());
        for (const value of rowSums) expect(value).toBeCloseTo(1, 5);
      }
      for (const logit of output.logits)
        expect(Array.from(logit.dataSync()).every(Number.isFinite)).toBe(true);
      const withoutGates = head.forward(params, inputs, args, { training: false });
      expect(withoutGates.gates).toEqual([]);
      tf.dispose([...output.logits, ...output.gates.map((g) => g.weights), ...withoutGates.logits]);
      tf.dispose([...inputs.taskInputs, inputs.sharedInput]);
      tf.dispose(Object.values(allHeadVariables(head.variables(params))));
    });

    it('gives the same outputs for one tensor passed K times as for K equal copies', () => {
      const params = head.createParams(args);
      const x = tf.randomNormal([batch, args.inputDim], 0, 1, 'float32', 2);
      const copies = Array.from({ length: numTasks }, () => tf.clone(x));
      const same = forwardOnce(head, params, { taskInputs: copies.map(() => x), sharedInput: x }, args);
      const distinct = forwardOnce(head, params, { taskInputs: copies, sharedInput: tf.clone(x) }, args);
      same.logits.forEach((logit, task) => {
        expect(maxDifference(logit, distinct.logits[task]!)).toBeLessThan(1e-5);
      });
      const tensors = [same, distinct].flatMap((o) => [...o.logits, ...o.gates.map((g) => g.weights)]);
      tf.dispose([...tensors, x, ...copies]);
      tf.dispose(Object.values(allHeadVariables(head.variables(params))));
    });

    it('has as many trainable scalars as the closed form, split by gradient reachability', () => {
      const params = head.createParams(args);
      const variables = head.variables(params);
      const all = allHeadVariables(variables);
      const total = Object.values(all).reduce((sum, v) => sum + v.size, 0);
      expect(total).toBe(head.parameterCount(args));
      expect(variables.perTask).toHaveLength(numTasks);
      // perTask[k] is reached by task k's logit only; every shared weight by two tasks or more.
      const inputs = randomInputs(numTasks, batch, args.inputDim, 3);
      const ourName = new Map(Object.entries(all).map(([name, v]) => [v.name, name]));
      const reachedBy = new Map<string, number[]>();
      for (let task = 0; task < numTasks; task++) {
        // Ownership is by training loss (what balancers split): ESMM's product reaches the click tower.
        const { value, grads } = tf.variableGrads(
          () => trainingTerm(head, params, inputs, args, task),
          Object.values(all),
        );
        for (const name of Object.keys(grads)) {
          const key = ourName.get(name)!;
          reachedBy.set(key, [...(reachedBy.get(key) ?? []), task]);
        }
        tf.dispose([value, ...Object.values(grads)]);
      }
      variables.perTask.forEach((owned, task) => {
        for (const name of Object.keys(owned)) expect([name, reachedBy.get(name)]).toEqual([name, [task]]);
      });
      for (const name of Object.keys(variables.shared)) {
        expect(reachedBy.get(name)?.length ?? 0, name).toBeGreaterThanOrEqual(Math.min(2, numTasks));
      }
      tf.dispose([...inputs.taskInputs, inputs.sharedInput, ...Object.values(all)]);
    });

    it('does not leak tensors (create, forward with gates, backward, dispose)', async () => {
      const inputs = randomInputs(numTasks, batch, args.inputDim, 4);
      await expectNoLeakedTensors(
        () => {
          const params = head.createParams(args);
          const all = allHeadVariables(head.variables(params));
          const output = forwardOnce(head, params, inputs, args);
          tf.dispose([...output.logits, ...output.gates.map((g) => g.weights)]);
          const training = { training: true, seed: 5 };
          const { value, grads } = tf.variableGrads(
            () =>
              tf.addN(head.forward(params, inputs, args, training).logits.map((t) => tf.sum(t))) as tf.Scalar,
          );
          tf.dispose([value, ...Object.values(grads), ...Object.values(all)]);
        },
        { label: `${head.name} functional` },
      );
      await expectNoLeakedTensors(
        () => {
          const { model } = headModel(head.name, options.args, args, true);
          const list = [...inputs.taskInputs, inputs.sharedInput];
          tf.dispose(model.predict(list) as tf.Tensor[]);
          model.dispose();
        },
        { label: `${head.name} layer` },
      );
      tf.dispose([...inputs.taskInputs, inputs.sharedInput]);
    });

    it('with withLoss, returns K loss logits [B, 1] and auxiliary scalars if any, and leaks nothing', async () => {
      const params = head.createParams(args);
      const inputs = randomInputs(numTasks, batch, args.inputDim, 9);
      const spaces = head.entireSpaceTasks?.(args) ?? Array.from({ length: numTasks }, () => false);
      expect(spaces).toHaveLength(numTasks);
      const plain = head.forward(params, inputs, args, { training: false });
      expect(plain.lossLogits).toBeUndefined();
      expect(plain.auxiliaryLosses).toBeUndefined();
      await expectNoLeakedTensors(
        () => {
          const output = head.forward(params, inputs, args, { training: true, seed: 3, withLoss: true });
          const lossLogits = output.lossLogits ?? [];
          if (output.lossLogits)
            expect(lossLogits.map((t) => t.shape)).toEqual(plain.logits.map((t) => t.shape));
          const auxiliary = (output.auxiliaryLosses ?? []).filter((t): t is tf.Scalar => t !== null);
          if (output.auxiliaryLosses) expect(output.auxiliaryLosses).toHaveLength(numTasks);
          for (const term of auxiliary) expect(term.shape).toEqual([]);
          for (const t of [...lossLogits, ...auxiliary])
            expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
          tf.dispose([...output.logits, ...lossLogits, ...auxiliary]);
        },
        { label: `${head.name} withLoss` },
      );
      tf.dispose([...plain.logits, ...inputs.taskInputs, inputs.sharedInput]);
      tf.dispose(Object.values(allHeadVariables(head.variables(params))));
    });

    it('builds symbolic shapes in a tf.model, from K+1 inputs or one', () => {
      const { model, layer } = headModel(head.name, options.args, args, true);
      const gateShapes = head.describeGates(args).map((g) => [null, g.numExperts]);
      const logitShapes = Array.from({ length: numTasks }, () => [null, 1]);
      expect(model.outputs.map((o) => o.shape)).toEqual([...logitShapes, ...gateShapes]);
      expect(layer.countParams()).toBe(head.parameterCount(args));
      expect(layer.trainableWeights).toHaveLength(
        Object.keys(layer.headVariables().shared).length +
          layer.headVariables().perTask.reduce((sum, owned) => sum + Object.keys(owned).length, 0),
      );
      const single = tfl.input({ shape: [args.inputDim] });
      const singleLayer = mtlHead({ ...options.args, head: head.name });
      const outputs = singleLayer.apply(single) as tfl.SymbolicTensor[];
      expect(outputs.map((o) => o.shape)).toEqual(logitShapes);
      model.dispose();
      singleLayer.dispose();
    });

    it('the layer has the functional weights: same names, owners and outputs', () => {
      const params = head.createParams(args);
      const variables = head.variables(params);
      const { model, layer } = headModel(head.name, options.args, args, false);
      const layerVariables = layer.headVariables();
      expect(Object.keys(layerVariables.shared).sort()).toEqual(Object.keys(variables.shared).sort());
      layerVariables.perTask.forEach((owned, task) => {
        expect(Object.keys(owned).sort()).toEqual(Object.keys(variables.perTask[task]!).sort());
      });
      const inputs = randomInputs(numTasks, batch, args.inputDim, 6);
      const fromLayer = model.predict([...inputs.taskInputs, inputs.sharedInput]) as tf.Tensor[];
      const functional = head.forward(params, inputs, args, { training: false });
      fromLayer.forEach((logit, task) => {
        expect(maxDifference(logit, functional.logits[task]!)).toBe(0);
      });
      tf.dispose([...fromLayer, ...functional.logits, ...inputs.taskInputs, inputs.sharedInput]);
      tf.dispose(Object.values(allHeadVariables(variables)));
      model.dispose();
    });

    it('round-trips getConfig and save/load with equal outputs', async () => {
      const { model, layer } = headModel(head.name, options.args, args, true);
      const config = JSON.parse(JSON.stringify(layer.getConfig()));
      expect(config.head).toBe(head.name);
      const inputs = randomInputs(numTasks, batch, args.inputDim, 7);
      const { maxAbsoluteDifference, artifacts } = await saveLoadRoundTrip(model, [
        ...inputs.taskInputs,
        inputs.sharedInput,
      ]);
      expect(maxAbsoluteDifference).toBe(0);
      expect(JSON.stringify(artifacts.modelTopology)).toContain('"class_name":"DtrnMtlHead"');
      const savedNames = (artifacts.weightSpecs ?? []).map((spec) => spec.name.split('/').slice(1).join('/'));
      expect(savedNames.sort()).toEqual(
        Object.keys(layer.headVariables().shared)
          .concat(...layer.headVariables().perTask.map((owned) => Object.keys(owned)))
          .sort(),
      );
      tf.dispose([...inputs.taskInputs, inputs.sharedInput]);
      model.dispose();
    });

    it('passes a finite-difference gradient check on a tiny configuration', () => {
      const gradientRaw = options.gradientArgs ?? { ...options.args, activation: 'tanh' };
      const gradientArgs = head.resolveArgs(gradientRaw) as MtlHeadBaseArgs;
      const params = head.createParams(gradientArgs);
      const all = allHeadVariables(head.variables(params));
      const names = Object.keys(all);
      const inputs = randomInputs(gradientArgs.numTasks, 3, gradientArgs.inputDim, 8);
      const taskCount = gradientArgs.numTasks;
      // tf.grads needs every input connected: the shared input is differentiated only if read.
      const sharedInputs = options.readsSharedInput ? [inputs.sharedInput] : [];
      const report = checkGradients(
        (...tensors) => {
          const taskInputs = tensors.slice(0, taskCount);
          const sharedInput = options.readsSharedInput ? tensors[taskCount]! : inputs.sharedInput;
          const rest = tensors.slice(taskCount + sharedInputs.length);
          const weights = new Map(names.map((name, i) => [name, rest[i]!]));
          const bound = head.buildParams(gradientArgs, (spec) => weights.get(spec.name)!);
          const output = head.forward(bound, { taskInputs, sharedInput }, gradientArgs, { training: false });
          return tf.addN(output.logits.map((logit, task) => tf.sum(tf.mul(logit, task + 1)))) as tf.Scalar;
        },
        [...inputs.taskInputs, ...sharedInputs, ...Object.values(all)],
        {
          names: [
            ...inputs.taskInputs.map((_, k) => `taskInputs[${k}]`),
            ...sharedInputs.map(() => 'sharedInput'),
            ...names,
          ],
          elementsPerInput: 3,
        },
      );
      expect(report.checked).toBeGreaterThan(names.length);
      tf.dispose([...inputs.taskInputs, inputs.sharedInput, ...Object.values(all)]);
    });

    it('accepts its preset sizes and its family sizes at a scale (what apps pass)', () => {
      const base = { numTasks, inputDim: args.inputDim, ...options.requiredArgs };
      const preset = head.resolveArgs({ ...head.presetSizes, ...base });
      expect(preset).toMatchObject(head.presetSizes);
      const scaled = head.family.sizesAt({ expertUnits: [6, 4], towerUnits: [3] });
      expect(head.resolveArgs({ ...head.presetSizes, ...scaled, ...base })).toMatchObject(scaled);
    });
  });
}

/** A tf.model around one head layer with K+1 inputs. */
export function headModel(
  headName: string,
  raw: Record<string, unknown>,
  args: MtlHeadBaseArgs,
  outputGates: boolean,
) {
  const inputs = Array.from({ length: args.numTasks + 1 }, () => tfl.input({ shape: [args.inputDim] }));
  const layer = mtlHead({ ...raw, head: headName, outputGates });
  const outputs = layer.apply(inputs) as tfl.SymbolicTensor[];
  return { model: tfl.model({ inputs, outputs }), layer };
}
