import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import {
  addMlpWeights,
  createMlpVariables,
  type DenseWeights,
  denseForward,
  mlpForward,
  mlpParameterCount,
  readMlpWeights,
} from './dense.js';
import { matMul2d } from './dense-ops.js';
import { registerLayer } from './registration.js';
import { checkGradients, expectNoLeakedTensors, saveLoadRoundTrip } from './testing/index.js';

function seededTensor(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

/** A host layer that owns an MLP through addMlpWeights, as the blocks do. */
class TestMlp extends tfl.layers.Layer {
  static readonly className = 'DtrnTestMlp';
  private weightsList: DenseWeights[] = [];
  constructor(private readonly args: { units: number[]; seed: number; name?: string }) {
    super(args);
  }
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const inputDim = (inputShape as number[]).at(-1)!;
    this.weightsList = addMlpWeights(
      (name, shape, initializer, trainable) =>
        this.addWeight(name, shape, 'float32', initializer, undefined, trainable),
      'mlp',
      inputDim,
      this.args.units,
      { seed: this.args.seed },
    );
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return mlpForward(x, readMlpWeights(this.weightsList), { outputActivation: 'linear' });
  }
  override computeOutputShape(inputShape: tfl.Shape): tfl.Shape {
    return [...inputShape.slice(0, -1), this.args.units.at(-1)!];
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.args.units, seed: this.args.seed };
  }
}
registerLayer(TestMlp);

describe('dense and MLP', () => {
  it('denseForward equals x @ W + b over any leading axes', () => {
    tf.tidy(() => {
      const x = seededTensor([2, 3, 4], 1);
      const kernel = seededTensor([4, 5], 2);
      const bias = seededTensor([5], 3);
      const y = denseForward(x, { kernel, bias }, 'relu');
      expect(y.shape).toEqual([2, 3, 5]);
      const reference = tf.reshape(
        tf.relu(tf.add(tf.matMul(tf.reshape(x, [6, 4]), kernel), bias)),
        [2, 3, 5],
      );
      expect(tf.max(tf.abs(tf.sub(y, reference))).dataSync()[0]).toBeLessThan(1e-6);
    });
  });

  it('matMul2d gradients equal the stock matMul gradients', () => {
    tf.tidy(() => {
      const a = seededTensor([6, 4], 4);
      const b = seededTensor([4, 3], 5);
      const upstream = seededTensor([6, 3], 6);
      const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        tf.sum(tf.mul(matMul2d(x as tf.Tensor2D, y as tf.Tensor2D), upstream)),
      )([a, b]);
      const stock = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), upstream)))([
        a,
        b,
      ]);
      for (let i = 0; i < 2; i++) {
        expect(tf.max(tf.abs(tf.sub(ours[i]!, stock[i]!))).dataSync()[0]).toBeLessThan(1e-5);
      }
    });
  });

  it('passes a finite-difference gradient check through a 2-layer MLP', () => {
    const x = seededTensor([3, 4], 7);
    const params = [
      { kernel: seededTensor([4, 5], 8), bias: seededTensor([5], 9) },
      { kernel: seededTensor([5, 2], 10), bias: seededTensor([2], 11) },
    ];
    const inputs = [x, params[0]!.kernel, params[0]!.bias, params[1]!.kernel, params[1]!.bias];
    const report = checkGradients(
      (xi, k0, b0, k1, b1) =>
        tf.sum(
          tf.square(
            mlpForward(
              xi!,
              [
                { kernel: k0!, bias: b0 },
                { kernel: k1!, bias: b1 },
              ],
              { activation: 'tanh', outputActivation: 'linear' },
            ),
          ),
        ),
      inputs,
      { names: ['x', 'kernel0', 'bias0', 'kernel1', 'bias1'] },
    );
    expect(report.checked).toBeGreaterThan(20);
    tf.dispose(inputs);
  });

  it('does not leak tensors in forward or backward', async () => {
    const x = seededTensor([8, 4], 12);
    const params = createMlpVariables('leak', 4, [6, 1], { seed: 3 });
    await expectNoLeakedTensors(() => {
      mlpForward(x, params).dispose();
      const grads = tf.variableGrads(() => tf.sum(mlpForward(x, params)) as tf.Scalar);
      tf.dispose(grads.grads);
      grads.value.dispose();
    });
    tf.dispose([x, ...params.flatMap((p) => [p.kernel, p.bias!])]);
  });

  it('creates variables without leaking their initial values', async () => {
    await expectNoLeakedTensors(() => {
      const params = createMlpVariables('no-leak', 4, [6, 2], { seed: 1 });
      tf.dispose(params.flatMap((p) => [p.kernel, p.bias!]));
    });
  });

  it('creates seeded weights: same seed same values, closed-form parameter count', () => {
    const a = createMlpVariables('m', 4, [8, 2], { seed: 42 });
    const b = createMlpVariables('m', 4, [8, 2], { seed: 42 });
    const c = createMlpVariables('m', 4, [8, 2], { seed: 43 });
    expect(Array.from(a[0]!.kernel.dataSync())).toEqual(Array.from(b[0]!.kernel.dataSync()));
    expect(Array.from(a[0]!.kernel.dataSync())).not.toEqual(Array.from(c[0]!.kernel.dataSync()));
    // The two layers of one MLP get different streams.
    expect(a[0]!.kernel.dataSync()[0]).not.toBe(a[1]!.kernel.dataSync()[0]);
    const count = a.reduce((sum, p) => sum + p.kernel.size + (p.bias?.size ?? 0), 0);
    expect(count).toBe(mlpParameterCount(4, [8, 2]));
    expect(mlpParameterCount(4, [8, 2])).toBe(4 * 8 + 8 + 8 * 2 + 2);
    tf.dispose([a, b, c].flat().flatMap((p) => [p.kernel, p.bias!]));
  });

  it('owns weights in a host layer (flat addWeight) that saves and loads with equal outputs', async () => {
    const input = tfl.input({ shape: [4] });
    const layer = new TestMlp({ units: [6, 3], seed: 1 });
    const output = layer.apply(input) as tfl.SymbolicTensor;
    expect(output.shape).toEqual([null, 3]);
    const model = tfl.model({ inputs: input, outputs: output });
    expect(layer.trainableWeights.length).toBe(4);
    expect(layer.countParams()).toBe(mlpParameterCount(4, [6, 3]));
    const x = seededTensor([5, 4], 13);
    const { maxAbsoluteDifference, artifacts } = await saveLoadRoundTrip(model, x);
    expect(maxAbsoluteDifference).toBe(0);
    expect(JSON.stringify(artifacts.modelTopology)).toContain('"class_name":"DtrnTestMlp"');
    model.dispose();
    x.dispose();
  });
});
