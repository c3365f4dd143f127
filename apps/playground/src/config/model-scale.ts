/**
 * Model scales for a browser tab. The library presets (d = 40, experts [256, 128]) are sized for
 * the paper-style benchmark; a page that trains two or three of them on one CPU thread needs
 * narrower ones. OUR CHOICE: `tiny` follows the CLI's `tiny` comparison preset; `compact` has the
 * head widths of the CLI's `quick` and reproduction presets at d = 20 (theirs: 24).
 */
import { type ModelArgs, type ModelPresetName, modelPreset } from '@dtrn/model';
import type { ModelScale } from './playground-config.js';

interface ScaleSizes {
  readonly common: ModelArgs;
  /** Head sizes of the Shared-Bottom head (one bottom MLP and towers). */
  readonly sharedBottomHead: Readonly<Record<string, unknown>>;
  /** Head sizes of the expert heads (MMoE, PLE). */
  readonly expertHead: Readonly<Record<string, unknown>>;
}

const SCALES: Readonly<Record<Exclude<ModelScale, 'preset'>, ScaleSizes>> = Object.freeze({
  tiny: {
    common: { embeddingDim: 10, encoder: { feedForwardDim: 16 } },
    sharedBottomHead: { bottomUnits: [32], towerUnits: [8] },
    expertHead: { expertUnits: [16], towerUnits: [8] },
  },
  compact: {
    common: { embeddingDim: 20, encoder: { feedForwardDim: 40 } },
    sharedBottomHead: { bottomUnits: [128, 64], towerUnits: [32] },
    expertHead: { expertUnits: [64, 32], towerUnits: [32] },
  },
});

function usesSharedBottomHead(preset: ModelPresetName): boolean {
  return preset.endsWith('shared-bottom') || preset === 'single-task';
}

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
  const embeddings = { optimizer: { kind: 'adam', learningRate: options.learningRate } };
  if (scale === 'preset') return modelPreset(preset, { seed: options.seed, embeddings });
  const sizes = SCALES[scale];
  const headArgs = usesSharedBottomHead(preset) ? sizes.sharedBottomHead : sizes.expertHead;
  return modelPreset(preset, { ...sizes.common, headArgs, embeddings, seed: options.seed });
}
