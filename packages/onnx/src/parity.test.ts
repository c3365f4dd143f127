/**
 * ONNX Runtime against dtrn's `predict`: every preset, and configurations that reach every
 * exported code path, on random weights (so the hypernetwork, refiner and gates all matter). The
 * issue's bound is 1e-5 on probabilities.
 */
import { sliceRows } from '@dtrn/data';
import { createModel, MODEL_PRESET_NAMES, type ModelArgs, modelPreset } from '@dtrn/model';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './export-onnx.js';
import {
  MIXED_SCHEMA,
  maxAbsDifference,
  mixedBatch,
  randomizeWeights,
  runOnnx,
  SMALL,
  SMALL_HEADS,
  syntheticTestRows,
} from './testing/parity.js';

const TOLERANCE = 1e-5;

describe('every preset matches predict in ONNX Runtime', () => {
  const test = syntheticTestRows(96);
  for (const name of MODEL_PRESET_NAMES) {
    it(name, async () => {
      const head = modelPreset(name).head!;
      const model = createModel(test.schema, modelPreset(name, { ...SMALL, headArgs: SMALL_HEADS[head]! }));
      try {
        randomizeWeights(model, 11);
        const expected = model.predict(test);
        const exported = exportOnnx(model);
        const actual = await runOnnx(exported, test.schema, test);
        expect(maxAbsDifference(actual, expected)).toBeLessThanOrEqual(TOLERANCE);
        // Dynamic batch: other sizes through the same graph.
        const one = sliceRows(test, 5, 6);
        expect(
          maxAbsDifference(await runOnnx(exported, test.schema, one), model.predict(one)),
        ).toBeLessThanOrEqual(TOLERANCE);
      } finally {
        model.dispose();
      }
    });
  }
});

/** Options that the presets leave at their defaults, on a schema with every input kind. */
const VARIANTS: Readonly<Record<string, ModelArgs>> = {
  'TIM with dot pooling, 2 blocks, 1 head, no positions; TRM flatten/relu/gelu; MMoE elu': {
    bottom: 'dtrn',
    head: 'mmoe',
    headArgs: { numExperts: 2, expertUnits: [12, 8], towerUnits: [6], activation: 'elu' },
    encoder: {
      pooling: 'target-attention-dot',
      numBlocks: 2,
      numHeads: 1,
      positionEmbedding: false,
      feedForwardDim: 12,
    },
    refiner: {
      squeeze: 'flatten',
      excitationActivation: 'relu',
      hiddenActivation: 'gelu',
      startUniform: false,
    },
  },
  'no-TIM with mean-pooled sequences; TRM sigmoid/tanh; 2-level PLE with sigmoid': {
    bottom: 'dtrn-no-tim',
    sequenceEncoder: 'mean-pool',
    head: 'ple',
    headArgs: {
      numLevels: 2,
      numTaskExperts: 2,
      numSharedExperts: 1,
      expertUnits: [8],
      activation: 'sigmoid',
    },
    refiner: { excitationActivation: 'sigmoid', hiddenActivation: 'tanh', reductionRatio: 2 },
  },
  'DIN scorer without hidden units, 5 heads, 2 blocks; no-TRM; Shared-Bottom tanh, no tower layers': {
    bottom: 'dtrn-no-trm',
    head: 'shared-bottom',
    headArgs: { bottomUnits: [12, 6], towerUnits: [], activation: 'tanh' },
    encoder: { poolingUnits: [], numHeads: 5, numBlocks: 2, feedForwardDim: 8 },
  },
  'baseline encoder with mean pooling; PLE without shared experts; user id embedded': {
    bottom: 'shared',
    head: 'ple',
    headArgs: { numLevels: 2, numTaskExperts: 1, numSharedExperts: 0, expertUnits: [8] },
    encoder: { pooling: 'mean', feedForwardDim: 8 },
    excludeFields: [],
  },
  'STEM tables with mean-pooled sequences; 2-level PLE; user id embedded': {
    bottom: 'stem',
    sequenceEncoder: 'mean-pool',
    head: 'ple',
    headArgs: { numLevels: 2, numTaskExperts: 1, numSharedExperts: 1, expertUnits: [8] },
    excludeFields: [],
  },
  'single-task with mean-pooled sequences': {
    bottom: 'shared',
    singleTask: true,
    sequenceEncoder: 'mean-pool',
    head: 'shared-bottom',
    headArgs: { bottomUnits: [8], towerUnits: [4] },
  },
};

describe('every code path matches predict on a schema with dense fields, two lengths and a target without side fields', () => {
  const batch = mixedBatch(48, 5);
  for (const [label, args] of Object.entries(VARIANTS)) {
    it(label, async () => {
      const model = createModel(MIXED_SCHEMA, { embeddingDim: 10, ...args });
      try {
        randomizeWeights(model, 23);
        const expected = model.predict(batch);
        const actual = await runOnnx(exportOnnx(model), MIXED_SCHEMA, batch);
        expect(maxAbsDifference(actual, expected)).toBeLessThanOrEqual(TOLERANCE);
      } finally {
        model.dispose();
      }
    });
  }

  it('a model without sequences (dense and sparse fields only, TRM over them)', async () => {
    const { sequences: _sequences, ...schema } = MIXED_SCHEMA;
    const flat = { ...schema, sparseFields: schema.sparseFields.slice(0, 3) };
    const model = createModel(flat, {
      embeddingDim: 6,
      bottom: 'dtrn-no-tim',
      head: 'mmoe',
      headArgs: { expertUnits: [8] },
    });
    try {
      randomizeWeights(model, 5);
      const full = mixedBatch(16, 9);
      const batch = { ...full, sparse: full.sparse.slice(0, 3), sequences: [] };
      const actual = await runOnnx(exportOnnx(model), flat, batch);
      expect(maxAbsDifference(actual, model.predict(batch))).toBeLessThanOrEqual(TOLERANCE);
    } finally {
      model.dispose();
    }
  });

  it('leaves no tensors behind', () => {
    const model = createModel(MIXED_SCHEMA, { embeddingDim: 10, ...VARIANTS[Object.keys(VARIANTS)[0]!]! });
    try {
      exportOnnx(model); // warm-up (tfjs kernels and backend state)
      const before = tf.memory().numTensors;
      exportOnnx(model);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      model.dispose();
    }
  });
});
