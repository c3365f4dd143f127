import { isShapeError } from '@dtrn/core';
import { configRoundTrip, expectNoLeakedTensors, saveLoadRoundTrip } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { resolveSenetRefinerArgs } from './args.js';
import { senetRefinerForward } from './forward.js';
import { type DtrnSenetRefiner, senetRefiner } from './layer.js';
import { createSenetRefinerParams, senetRefinerParameterCount, senetRefinerVariables } from './params.js';
import { maxDifference, seededTensor } from './testing/tensors.js';

const K = 2;
const F = 3;
const M = 2;
const N = F + M;
const d = 4;
const BASE = { numTasks: K, numFields: N, embeddingDim: d, seed: 5 };

/** A model over DTRN's input form: shared [B, F, d] then K x M interests [B, d] (task-major). */
function sharedInterestModel(layer: DtrnSenetRefiner) {
  const shared = tfl.input({ shape: [F, d], name: 'shared' });
  const interests = Array.from({ length: K * M }, (_, i) => tfl.input({ shape: [d], name: `interest_${i}` }));
  const outputs = layer.apply([shared, ...interests]) as tfl.SymbolicTensor[];
  return { model: tfl.model({ inputs: [shared, ...interests], outputs }), outputs };
}

function sharedInterestBatch(batch: number, seed: number): tf.Tensor[] {
  return [
    seededTensor([batch, F, d], seed),
    ...Array.from({ length: K * M }, (_, i) => seededTensor([batch, d], seed + 1 + i)),
  ];
}

describe('DtrnSenetRefiner layer', () => {
  it('has symbolic shapes inside a tf.model (shared form) and eager shapes on apply (fields form)', () => {
    const layer = senetRefiner(BASE);
    const { model, outputs } = sharedInterestModel(layer);
    expect(outputs.map((o) => o.shape)).toEqual([
      [null, N * d],
      [null, N * d],
      [null, N],
      [null, N],
    ]);
    expect(model.outputs.length).toBe(2 * K);
    const fieldsLayer = senetRefiner({ ...BASE, squeeze: 'flatten' });
    const fields = [seededTensor([3, N, d], 1), seededTensor([3, N, d], 2)];
    const eager = fieldsLayer.apply(fields) as tf.Tensor[];
    expect(eager.map((t) => t.shape)).toEqual([
      [3, N * d],
      [3, N * d],
      [3, N],
      [3, N],
    ]);
    tf.dispose([...fields, ...eager]);
    model.dispose();
    fieldsLayer.dispose();
  });

  it('owns the same weights as createSenetRefinerParams and computes the same outputs', () => {
    const args = resolveSenetRefinerArgs({ ...BASE, startUniform: false });
    const layer = senetRefiner({ ...BASE, startUniform: false });
    const inputs = sharedInterestBatch(3, 10);
    const layerOutputs = layer.apply(inputs) as tf.Tensor[];
    const params = createSenetRefinerParams(args);
    const variables = senetRefinerVariables(params);
    const names = layer.trainableWeights.map((w) => w.originalName.replace(`${layer.name}/`, ''));
    expect(names).toEqual(Object.keys(variables));
    expect(names.slice(0, 4)).toEqual([
      'task/0/excitation/0/kernel',
      'task/0/excitation/0/bias',
      'task/0/excitation/1/kernel',
      'task/0/excitation/1/bias',
    ]);
    layer.trainableWeights.forEach((weight, i) => {
      const variable = Object.values(variables)[i]!;
      expect(weight.shape).toEqual(variable.shape);
      expect(maxDifference(weight.read(), variable)).toBe(0);
    });
    const [shared, ...flat] = inputs as [tf.Tensor, ...tf.Tensor[]];
    const interests = [flat.slice(0, M), flat.slice(M)];
    const functional = senetRefinerForward(params, { shared, interests }, { training: false });
    [...functional.bottoms, ...functional.fieldWeights].forEach((t, i) => {
      expect(maxDifference(t, layerOutputs[i]!)).toBe(0);
    });
    tf.dispose([...inputs, ...layerOutputs, ...functional.bottoms, ...functional.fieldWeights]);
    tf.dispose(Object.values(variables));
    layer.dispose();
  });

  it('has as many trainable weights as the closed-form count', () => {
    for (const extra of [{}, { squeeze: 'flatten' as const, reductionRatio: 2 }, { numTasks: 1 }]) {
      const args = resolveSenetRefinerArgs({ ...BASE, ...extra });
      const layer = senetRefiner({ ...BASE, ...extra });
      layer.apply(Array.from({ length: args.numTasks }, () => tfl.input({ shape: [N, d] })));
      expect(layer.countParams()).toBe(senetRefinerParameterCount(args));
      expect(layer.trainableWeights.length).toBe(4 * args.numTasks);
      const params = createSenetRefinerParams(args);
      const total = Object.values(senetRefinerVariables(params)).reduce((sum, v) => sum + v.size, 0);
      expect(total).toBe(senetRefinerParameterCount(args));
      tf.dispose(Object.values(senetRefinerVariables(params)));
      layer.dispose();
    }
    // K (N r + r + r N + N) with r = ceil(5 / 3) = 2: 2 * (10 + 2 + 10 + 5).
    expect(senetRefinerParameterCount(resolveSenetRefinerArgs(BASE))).toBe(54);
  });

  it('round-trips getConfig and save/load with equal outputs', async () => {
    const layer = senetRefiner({
      ...BASE,
      startUniform: false,
      excitationActivation: 'sigmoid',
      name: 'trm',
    });
    const config = configRoundTrip(layer);
    expect(config).toEqual(JSON.parse(JSON.stringify(layer.getConfig())));
    expect(config.excitationActivation).toBe('sigmoid');
    expect(config.name).toBe('trm');
    const { model } = sharedInterestModel(layer);
    const inputs = sharedInterestBatch(4, 20);
    const { maxAbsoluteDifference, artifacts } = await saveLoadRoundTrip(model, inputs);
    expect(maxAbsoluteDifference).toBe(0);
    expect(JSON.stringify(artifacts.modelTopology)).toContain('"class_name":"DtrnSenetRefiner"');
    expect(artifacts.weightSpecs?.map((w) => w.name)).toContain('trm/task/1/excitation/1/bias');
    tf.dispose(inputs);
    model.dispose();
  });

  it('rejects inputs that match neither form, or the wrong sizes, at build time', () => {
    const expectShapeError = (fn: () => unknown, message: string) => {
      let caught: unknown;
      try {
        fn();
      } catch (error) {
        caught = error;
      }
      expect(isShapeError(caught)).toBe(true);
      expect((caught as Error).message).toBe(message);
    };
    const layer = senetRefiner({ ...BASE, name: 'bad_trm' });
    expectShapeError(
      () => layer.apply([tfl.input({ shape: [F, d] }), tfl.input({ shape: [d] })]),
      'bad_trm inputs: cannot split the input list into either form (expected 2 field matrices [B, N, d], or 1 shared [B, F, d] followed by 2 x M interests [B, d], found "2 inputs of ranks [3, 2]")',
    );
    expectShapeError(
      () => layer.apply([tfl.input({ shape: [N, d] }), tfl.input({ shape: [N, d + 1] })]),
      'bad_trm inputs.fields[1] has the wrong shape (expected [B, 5, 4], found "[?, 5, 5]")',
    );
    expect(layer.built).toBe(false);
  });

  it('does not leak tensors in predict, apply and training gradients', async () => {
    const layer = senetRefiner(BASE);
    const { model } = sharedInterestModel(layer);
    const inputs = sharedInterestBatch(3, 30);
    tf.dispose(model.predict(inputs) as tf.Tensor[]); // warm-up
    await expectNoLeakedTensors(() => {
      tf.dispose(model.predict(inputs) as tf.Tensor[]);
      tf.dispose(layer.apply(inputs) as tf.Tensor[]);
      const { value, grads } = tf.variableGrads(() => {
        const out = layer.apply(inputs, { training: true }) as tf.Tensor[];
        return tf.addN(out.slice(0, K).map((x) => tf.mean(x))) as tf.Scalar;
      });
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.dispose(inputs);
    model.dispose();
  });
});
