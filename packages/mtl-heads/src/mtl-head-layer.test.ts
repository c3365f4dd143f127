import { configRoundTrip, expectNoLeakedTensors } from '@dtrn/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { DtrnMtlHead, mmoe, mtlHead, ple, sharedBottom } from './mtl-head-layer.js';
import { expectMessage } from './testing/messages.js';

describe('DtrnMtlHead', () => {
  it('rejects unknown heads, bad head arguments and bad inputs with exact messages', () => {
    expectMessage(
      () => mtlHead({ head: 'mmo' }),
      'unknown head "mmo"; did you mean "mmoe"? (expected one of "aitm", "esmm", "mmoe", "ple", "shared-bottom", found "mmo")',
    );
    expectMessage(
      () => mmoe({ numExpert: 2 }),
      'MmoeArgs: unknown key "numExpert"; did you mean "numExperts"? (valid keys: numTasks, inputDim, towerUnits, activation, dropoutRate, kernelInitializer, seed, numExperts, expertUnits)',
    );
    expectMessage(
      () => mtlHead({ head: 'ple', outputGates: 'yes' as unknown as boolean }),
      'DtrnMtlHead.outputGates is invalid (expected a boolean, found "yes")',
    );
    const three = sharedBottom({ numTasks: 3, bottomUnits: [2], towerUnits: [] });
    expectMessage(
      () => three.apply([tfl.input({ shape: [4] }), tfl.input({ shape: [4] })]),
      `${three.name}: wrong number of inputs (expected 1 (used for every task) or 4 (K task inputs, then the shared input), found 2)`,
    );
    const fixed = mmoe({ inputDim: 5, expertUnits: [2], towerUnits: [] });
    expectMessage(
      () => fixed.apply(tfl.input({ shape: [4] })),
      `${fixed.name}: input width differs from inputDim (expected 5 (inputDim), found 4)`,
    );
  });

  it('takes inputDim from the input shape and stores the resolved arguments in its config', () => {
    const layer = ple({ numTasks: 2, numLevels: 1, expertUnits: [3], towerUnits: [], name: 'cgc' });
    layer.apply(tfl.input({ shape: [7] }));
    const config = layer.getConfig();
    expect(config).toMatchObject({ name: 'cgc', head: 'ple', inputDim: 7, numLevels: 1, outputGates: false });
    expect(configRoundTrip(layer)).toMatchObject({ head: 'ple', inputDim: 7, numSharedExperts: 2 });
    expect(layer).toBeInstanceOf(DtrnMtlHead);
    layer.dispose();
  });

  it('applies dropout only in training, with masks that follow the seed and the call count', async () => {
    const make = () =>
      mmoe({ inputDim: 4, expertUnits: [32, 8], towerUnits: [8], dropoutRate: 0.5, seed: 3 });
    const first = make();
    const second = make();
    const x = tf.randomNormal([6, 4], 0, 1, 'float32', 1);
    const values = (layer: DtrnMtlHead, training: boolean) =>
      tf.tidy(() => Array.from((layer.apply(x, { training }) as tf.Tensor[])[0]!.dataSync()));
    const inference = values(first, false); // builds the weights
    values(second, false);
    await expectNoLeakedTensors(() => values(first, true), { label: 'training call' });
    expect(values(first, false)).toEqual(inference);
    const trainingTwo = values(first, true);
    expect(trainingTwo).not.toEqual(inference);
    values(second, true);
    expect(values(second, true)).toEqual(trainingTwo); // same seed, same call count
    expect(values(first, true)).not.toEqual(trainingTwo); // next call, next mask
    first.dispose();
    second.dispose();
    x.dispose();
  });
});
