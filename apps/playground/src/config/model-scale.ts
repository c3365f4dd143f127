/**
 * Model scales for a browser tab. The library presets (d = 40, experts [256, 128]) are sized for
 * the paper-style benchmark; a page that trains two or three of them on one CPU thread needs
 * narrower ones. OUR CHOICE: `tiny` follows the CLI's `tiny` comparison preset; `compact` has the
 * head widths of the CLI's `quick` and reproduction presets at d = 20 (theirs: 24).
 */
import {
  type HeadScale,
  type ModelArgs,
  type ModelPresetName,
  modelPreset,
  modelPresetHead,
} from '@dtrn/model';
import type { ModelScale } from './playground-config.js';

interface ScaleSizes {
  readonly common: ModelArgs;
  /** The head scale: each preset's head family turns it into its own size arguments. */
  readonly heads: HeadScale;
}

const SCALES: Readonly<Record<Exclude<ModelScale, 'preset'>, ScaleSizes>> = Object.freeze({
  tiny: {
    common: { embeddingDim: 10, encoder: { feedForwardDim: 16 } },
    heads: { expertUnits: [16], towerUnits: [8] }, // bottoms [32]
  },
  compact: {
    common: { embeddingDim: 20, encoder: { feedForwardDim: 40 } },
    heads: { expertUnits: [64, 32], towerUnits: [32] }, // bottoms [128, 64]
  },
});

/**
 * The complete model args of `preset` at `scale`, seeded with `seed` (validated by @dtrn/model).
 * OUR CHOICE: the embedding rows' lazy Adam uses the same learning rate as the dense weights, so
 * one learning-rate control moves the whole model.
 */
export function scaledModelArgs(
  preset: ModelPresetName,
  scale: ModelScale,
  options: { readonly seed: number; readonly learningRate: number },
): ModelArgs {
  const embeddings = { optimizer: { kind: 'adam' as const, learningRate: options.learningRate } };
  if (scale === 'preset') return modelPreset(preset, { seed: options.seed, embeddings });
  const sizes = SCALES[scale];
  const headArgs = modelPresetHead(preset).family.sizesAt(sizes.heads);
  return modelPreset(preset, { ...sizes.common, headArgs, embeddings, seed: options.seed });
}
