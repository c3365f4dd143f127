import { describe, expect, it } from 'vitest';
import { DEFAULT_HYPERNET_ENCODER_ARGS, resolveHypernetEncoderArgs } from './args.js';

const BASE = { numTasks: 3, numBehaviors: 2, embeddingDim: 16, maxSequenceLength: 50 };

describe('resolveHypernetEncoderArgs', () => {
  it('fills every default', () => {
    const args = resolveHypernetEncoderArgs(BASE);
    expect(args).toEqual({
      ...BASE,
      numBlocks: 1,
      numHeads: 2,
      feedForwardDim: 64,
      hypernetworkUnits: 32,
      taskEmbeddingDim: 8,
      behaviorEmbeddingDim: 8,
      positionEmbedding: true,
      attentionDropoutRate: 0,
      feedForwardDropoutRate: 0,
      pooling: 'target-attention-din',
      poolingUnits: [32],
      unconditioned: false,
      layerNormEpsilon: 1e-6,
      seed: 0,
    });
    expect(Object.isFrozen(args)).toBe(true);
    expect(DEFAULT_HYPERNET_ENCODER_ARGS.numHeads).toBe(2);
    expect(
      resolveHypernetEncoderArgs({ ...BASE, maxSequenceLength: undefined, positionEmbedding: false })
        .maxSequenceLength,
    ).toBe(0);
  });

  it('rejects invalid arguments with exact messages', () => {
    const cases: [unknown, string][] = [
      [{ ...BASE, numHead: 2 }, 'HypernetEncoderArgs: unknown key "numHead"; did you mean "numHeads"?'],
      [
        { ...BASE, numHeads: 3 },
        'HypernetEncoderArgs.numHeads must divide embeddingDim (16) (expected a divisor of 16, found 3)',
      ],
      [
        { ...BASE, maxSequenceLength: undefined },
        'HypernetEncoderArgs.maxSequenceLength is required when positionEmbedding is true (expected an integer >= 1 (the longest behavior sequence), or positionEmbedding: false, found undefined)',
      ],
      [
        { ...BASE, numTasks: 0 },
        'HypernetEncoderArgs.numTasks is invalid (expected an integer >= 1, found 0)',
      ],
      [
        { ...BASE, numBlocks: 9 },
        'HypernetEncoderArgs.numBlocks is invalid (expected an integer >= 1 and <= 8, found 9)',
      ],
      [
        { ...BASE, attentionDropoutRate: 1 },
        'HypernetEncoderArgs.attentionDropoutRate is invalid (expected a finite number >= 0 and < 1, found 1)',
      ],
      [
        { ...BASE, pooling: 'target-attention' },
        'HypernetEncoderArgs.pooling is invalid; did you mean "target-attention-din"?',
      ],
      [
        { ...BASE, poolingUnits: [8, 0] },
        'HypernetEncoderArgs.poolingUnits[1] is invalid (expected an integer >= 1, found 0)',
      ],
      [
        { ...BASE, unconditioned: 'yes' },
        'HypernetEncoderArgs.unconditioned is invalid (expected a boolean, found "yes")',
      ],
      [[], 'HypernetEncoderArgs must be an object'],
    ];
    for (const [raw, message] of cases) expect(() => resolveHypernetEncoderArgs(raw)).toThrow(message);
  });
});
