import { deriveSeed } from '@dtrn/base';
import { resolveEmbeddingBankArgs } from '@dtrn/core';
import { resolveHypernetEncoderArgs } from '@dtrn/hypernet-encoder';
import { resolveSenetRefinerArgs } from '@dtrn/senet-refiner';
import { describe, expect, it } from 'vitest';
import { buildModel, checkModelConfig, createModel } from './create-model.js';
import { DtrnModel } from './dtrn-model.js';
import { resolveModelArgs } from './model-args.js';
import { resolveModelConfig } from './model-config.js';
import { plannedParameterCount } from './model-size.js';
import type { SingleTaskModels } from './single-task-model.js';
import { configErrorMessage, tinyData, tinyPreset } from './testing/tiny.js';

const data = tinyData(1, 400);
const schema = data.schema;

describe('resolveModelConfig', () => {
  it('completes every block once, for the schema, with seeds derived from the model seed', () => {
    const args = resolveModelArgs(tinyPreset('dtrn-mmoe', { seed: 7 }));
    const config = resolveModelConfig(schema, args);
    expect(config.args).toBe(args); // already resolved: not resolved again
    expect(config.networks).toHaveLength(1);
    const network = config.networks[0]!;
    const K = schema.tasks.length;
    const M = schema.sequences!.behaviors.length;
    expect(network.encoder).toEqual(
      resolveHypernetEncoderArgs({
        ...args.encoder,
        numTasks: K,
        numBehaviors: M,
        embeddingDim: 10,
        maxSequenceLength: Math.max(...schema.sequences!.behaviors.map((b) => b.maxLength)),
        unconditioned: false,
        seed: deriveSeed(7, 'encoder'),
      }),
    );
    const N = network.layout.fieldNames.length;
    expect(network.refiner).toEqual(
      resolveSenetRefinerArgs({
        numTasks: K,
        numFields: N,
        embeddingDim: 10,
        seed: deriveSeed(7, 'refiner'),
      }),
    );
    expect(network.headArgs).toMatchObject({
      numTasks: K,
      inputDim: N * 10,
      seed: deriveSeed(7, 'head'),
      numExperts: 2,
      expertUnits: [16],
    });
    expect(network.embeddings).toEqual(
      resolveEmbeddingBankArgs({
        ...args.embeddings,
        tables: network.layout.tables,
        seed: deriveSeed(7, 'embeddings'),
      }),
    );
    for (const frozen of [config, config.networks, network, network.encoder, network.refiner, network.args]) {
      expect(Object.isFrozen(frozen)).toBe(true);
    }
  });

  it('leaves out the blocks a bottom does not use', () => {
    const shared = resolveModelConfig(schema, tinyPreset('mmoe')).networks[0]!;
    expect(shared.refiner).toBeNull();
    expect(shared.encoder).toMatchObject({ numTasks: 1, unconditioned: true });
    const pooled = resolveModelConfig(schema, tinyPreset('mmoe', { sequenceEncoder: 'mean-pool' }));
    expect(pooled.networks[0]!.encoder).toBeNull();
  });

  it('gives single-task models one network per task, each with its own seed', () => {
    const config = resolveModelConfig(schema, tinyPreset('single-task', { seed: 3 }));
    expect(config.networks.map((network) => network.schema.tasks.map((task) => task.name))).toEqual(
      schema.tasks.map((task) => [task.name]),
    );
    config.networks.forEach((network, k) => {
      expect(network.args.seed).toBe(deriveSeed(3, 'task', k));
      expect(network.headArgs).toMatchObject({ numTasks: 1, seed: deriveSeed(network.args.seed, 'head') });
    });
  });

  it('is what the model is built from: buildModel keeps the very objects, createModel the same values', () => {
    const config = resolveModelConfig(schema, tinyPreset('dtrn-ple'));
    const built = buildModel(config) as DtrnModel;
    const created = createModel(schema, tinyPreset('dtrn-ple'));
    const single = resolveModelConfig(schema, tinyPreset('single-task'));
    const singleModel = buildModel(single) as SingleTaskModels;
    try {
      expect(built).toBeInstanceOf(DtrnModel);
      expect(built.config.networks[0]).toBe(config.networks[0]);
      expect(created.config).toEqual(built.config);
      expect(singleModel.config).toBe(single);
      singleModel.models.forEach((model, k) => {
        expect(model.config.networks[0]).toBe(single.networks[k]);
      });
      expect(plannedParameterCount(schema, tinyPreset('dtrn-ple')).dense).toBe(
        built.parameterBreakdown().dense,
      );
    } finally {
      for (const model of [built, created, singleModel]) model.dispose();
    }
  });

  it('types block and head args (what the types refuse, the resolvers refuse too)', () => {
    expect(
      // @ts-expect-error numLevel is not a PleArgs key
      configErrorMessage(() => checkModelConfig(schema, { head: 'ple', headArgs: { numLevel: 2 } })),
    ).toContain('createModel: args.headArgs: PleArgs: unknown key "numLevel"; did you mean "numLevels"?');
    expect(
      // @ts-expect-error MMoE has no levels
      configErrorMessage(() => checkModelConfig(schema, { head: 'mmoe', headArgs: { numLevels: 2 } })),
    ).toContain('MmoeArgs: unknown key "numLevels"');
    // @ts-expect-error numTasks is set by the model
    expect(configErrorMessage(() => checkModelConfig(schema, { encoder: { numTasks: 2 } }))).toContain(
      'createModel: args.encoder.numTasks is set by the model',
    );
    expect(
      // @ts-expect-error 'adamw' is not a sparse optimizer kind
      configErrorMessage(() => checkModelConfig(schema, { embeddings: { optimizer: { kind: 'adamw' } } })),
    ).toContain('createModel: args.embeddings.optimizer.kind');
    // A head registered at runtime only takes any record (its resolver checks it).
    expect(
      configErrorMessage(() => checkModelConfig(schema, { head: 'my-head', headArgs: { units: 2 } })),
    ).toContain('unknown head "my-head"');
  });
});

describe('resolveModelArgs: resolved once', () => {
  it('returns resolved args unchanged and remembers deep-frozen inputs only', () => {
    const resolved = resolveModelArgs({ embeddingDim: 8 });
    expect(resolveModelArgs(resolved)).toBe(resolved);
    const frozen = Object.freeze({
      embeddingDim: 8,
      headArgs: Object.freeze({ towerUnits: Object.freeze([4]) }),
    });
    expect(resolveModelArgs(frozen)).toBe(resolveModelArgs(frozen));
    const mutable = { embeddingDim: 8, headArgs: { towerUnits: [4] } };
    const first = resolveModelArgs(mutable);
    mutable.headArgs.towerUnits.push(5);
    expect(first.headArgs).toEqual({ towerUnits: [4] }); // a frozen copy, not the caller's object
    expect(resolveModelArgs(mutable).headArgs).toEqual({ towerUnits: [4, 5] });
  });

  it('checks the embedding optimizer and initializer without the data', () => {
    expect(
      configErrorMessage(() =>
        resolveModelArgs({ embeddings: { optimizer: { kind: 'adam', learningRat: 1 } } }),
      ),
    ).toContain('ModelArgs.embeddings.optimizer: unknown key "learningRat"; did you mean "learningRate"?');
    expect(
      configErrorMessage(() => resolveModelArgs({ embeddings: { initializer: { scale: 0 } } })),
    ).toContain('ModelArgs.embeddings.initializer.scale');
    expect(configErrorMessage(() => resolveModelArgs({ embeddings: { l2: -1 } }))).toContain(
      'ModelArgs.embeddings.l2',
    );
  });
});
