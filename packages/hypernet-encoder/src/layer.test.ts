import { configRoundTrip, expectNoLeakedTensors, saveLoadRoundTrip } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { resolveHypernetEncoderArgs } from './args.js';
import { hypernetEncoderForward } from './forward.js';
import { DtrnHypernetEncoder, hypernetEncoder } from './layer.js';
import {
  createHypernetEncoderParams,
  hypernetEncoderParameterCount,
  hypernetEncoderVariables,
  independentEncodersParameterCount,
} from './params.js';
import { disposeInputs, disposeParams, makeInputs, maxDifference, TINY_ARGS } from './testing/tiny.js';

function symbolicModel(layer: DtrnHypernetEncoder, lengths: number[], d = 4) {
  const sequences = lengths.map((length) => tfl.input({ shape: [length, d] }));
  const masks = lengths.map((length) => tfl.input({ shape: [length] }));
  const target = tfl.input({ shape: [d] });
  const outputs = layer.apply([...sequences, ...masks, target]) as tfl.SymbolicTensor[];
  return { model: tfl.model({ inputs: [...sequences, ...masks, target], outputs }), outputs };
}

function inputList(inputs: ReturnType<typeof makeInputs>): tf.Tensor[] {
  return [...inputs.sequences, ...inputs.masks, inputs.target];
}

describe('DtrnHypernetEncoder layer', () => {
  for (const unconditioned of [false, true]) {
    it(`has symbolic shapes in a tf.model, the closed-form weight count, and saves/loads with equal outputs (unconditioned: ${unconditioned})`, async () => {
      const layer = hypernetEncoder({ ...TINY_ARGS, unconditioned, name: 'tim' });
      const { model, outputs } = symbolicModel(layer, [4, 2, 4]);
      expect(outputs.length).toBe(6);
      for (const output of outputs) expect(output.shape).toEqual([null, 4]);
      const args = resolveHypernetEncoderArgs({ ...TINY_ARGS, unconditioned });
      expect(layer.countParams()).toBe(hypernetEncoderParameterCount(args));
      expect(layer.trainableWeights.reduce((sum, w) => sum + w.read().size, 0)).toBe(
        hypernetEncoderParameterCount(args),
      );
      const inputs = makeInputs(3, [4, 2, 4], 4, 6);
      if (!unconditioned) {
        // A non-zero hypernetwork output layer, so the saved weights matter per task.
        const kernel = layer.trainableWeights.find((w) => w.originalName.endsWith('hypernet/1/kernel'))!;
        kernel.write(tf.randomUniform(kernel.read().shape, -0.5, 0.5, 'float32', 3));
      }
      const { maxAbsoluteDifference, artifacts } = await saveLoadRoundTrip(model, inputList(inputs));
      expect(maxAbsoluteDifference).toBe(0);
      expect(JSON.stringify(artifacts.modelTopology)).toContain('"class_name":"DtrnHypernetEncoder"');
      model.dispose();
      disposeInputs(inputs);
    });
  }

  it('creates the same weights as createHypernetEncoderParams and computes the same outputs', () => {
    const layer = new DtrnHypernetEncoder({ ...TINY_ARGS, pooling: 'target-attention-dot' });
    const { model } = symbolicModel(layer, [4, 4, 3]);
    const params = createHypernetEncoderParams(layer.encoderArgs);
    const variables = hypernetEncoderVariables(params);
    const layerNames = layer.weights.map((w) => w.originalName.replace(/^[^/]+\//, ''));
    expect(layerNames).toEqual(Object.keys(variables));
    const inputs = makeInputs(2, [4, 4, 3], 4, 8);
    const fromLayer = model.predict(inputList(inputs)) as tf.Tensor[];
    const fromFunction = hypernetEncoderForward(params, inputs, { training: false });
    expect(maxDifference([fromLayer], [fromFunction.flat()])).toBe(0);
    tf.dispose([fromLayer, fromFunction]);
    disposeInputs(inputs);
    disposeParams(params);
    model.dispose();
  });

  it('round-trips its config and rejects unknown keys and wrong inputs', () => {
    const layer = hypernetEncoder({ ...TINY_ARGS, positionEmbedding: false, maxSequenceLength: undefined });
    const config = configRoundTrip(layer);
    expect(config.numTasks).toBe(2);
    expect(config.maxSequenceLength).toBeUndefined();
    expect(config.poolingUnits).toEqual([4]);
    expect(() => hypernetEncoder({ ...TINY_ARGS, numTask: 2 } as never)).toThrow(
      'HypernetEncoderArgs: unknown key "numTask"; did you mean "numTasks"?',
    );
    const input = tfl.input({ shape: [4, 4] });
    expect(() => layer.apply(input)).toThrow(/wrong number of inputs \(expected a list of 7 inputs/);
  });

  it('exposes the generated layer norms and does not leak tensors in predict, training calls and inspection', async () => {
    const layer = hypernetEncoder({ ...TINY_ARGS, attentionDropoutRate: 0.2 });
    const { model } = symbolicModel(layer, [4, 4, 4]);
    const inputs = makeInputs(2, [4, 4, 4], 4, 2);
    const list = inputList(inputs);
    await expectNoLeakedTensors(() => {
      tf.dispose(model.predict(list));
      tf.dispose(layer.apply(list, { training: true }) as tf.Tensor[]);
      const norms = layer.layerNorms();
      expect(norms.gamma.shape).toEqual([2, 3, 2, 4]);
      const one = layer.layerNorms(1, 2);
      expect(one.gamma.shape).toEqual([2, 4]);
      tf.dispose([norms.gamma, norms.beta, one.gamma, one.beta]);
    });
    // Training calls draw fresh (seeded) dropout masks each call.
    const first = layer.apply(list, { training: true }) as tf.Tensor[];
    const second = layer.apply(list, { training: true }) as tf.Tensor[];
    expect(maxDifference([first], [second])).toBeGreaterThan(0);
    tf.dispose([first, second]);
    disposeInputs(inputs);
    model.dispose();
  });

  it('is far smaller than K x M independent encoders', () => {
    const args = resolveHypernetEncoderArgs({
      numTasks: 3,
      numBehaviors: 3,
      embeddingDim: 16,
      maxSequenceLength: 50,
    });
    const shared = hypernetEncoderParameterCount(args);
    const independent = independentEncodersParameterCount(args);
    expect(independent).toBe(9 * hypernetEncoderParameterCount({ ...args, unconditioned: true }));
    expect(shared).toBeLessThan(independent / 4);
  });
});
