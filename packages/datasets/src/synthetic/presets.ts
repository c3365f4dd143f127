/**
 * Named presets of the multi-behavior generator: four conflict settings (DATA.md) times three
 * sizes. `syntheticPreset('full-conflict', 'demo')` is the main benchmark.
 */
import { checkEnum } from '@dtrn/base';
import {
  type MultiBehaviorArgs,
  type ResolvedMultiBehaviorArgs,
  resolveMultiBehaviorArgs,
} from './multi-behavior-args.js';

export const SYNTHETIC_SETTINGS = ['control', 'gate-friendly', 'sequence-conflict', 'full-conflict'] as const;
export type SyntheticSetting = (typeof SYNTHETIC_SETTINGS)[number];

export const SYNTHETIC_SIZES = ['tiny', 'small', 'demo'] as const;
export type SyntheticSize = (typeof SYNTHETIC_SIZES)[number];

type SettingKnobs = Pick<
  Required<MultiBehaviorArgs>,
  'taskCorrelation' | 'sequenceTaskSpecificity' | 'fieldOverlap' | 'itemCorrelation'
>;
type SizeKnobs = Pick<Required<MultiBehaviorArgs>, 'numUsers' | 'numItems' | 'numSamples'>;

/**
 * The conflict knobs of each setting. rho, kappa and o follow DATA.md; where DATA.md is silent
 * (o for gate-friendly and sequence-conflict, the item correlation everywhere) our choice is o = 1
 * and item correlation = rho, so the only conflicts are the ones the setting names.
 */
export const SYNTHETIC_SETTING_KNOBS: Readonly<Record<SyntheticSetting, Readonly<SettingKnobs>>> =
  Object.freeze({
    control: { taskCorrelation: 1, sequenceTaskSpecificity: 0, fieldOverlap: 1, itemCorrelation: 1 },
    'gate-friendly': { taskCorrelation: 0, sequenceTaskSpecificity: 0, fieldOverlap: 1, itemCorrelation: 0 },
    'sequence-conflict': {
      taskCorrelation: 0.5,
      sequenceTaskSpecificity: 1,
      fieldOverlap: 1,
      itemCorrelation: 0.5,
    },
    'full-conflict': {
      taskCorrelation: -0.5,
      sequenceTaskSpecificity: 1,
      fieldOverlap: 0.3,
      itemCorrelation: -0.5,
    },
  });

/**
 * Sizes: `tiny` for unit tests (well under a second), `small` for quick app runs, `demo` the
 * default benchmark (500k rows, the amount DATA.md found necessary; ~1.5 GB of sequence columns).
 */
export const SYNTHETIC_SIZE_KNOBS: Readonly<Record<SyntheticSize, Readonly<SizeKnobs>>> = Object.freeze({
  tiny: { numUsers: 200, numItems: 500, numSamples: 5_000 },
  small: { numUsers: 2_000, numItems: 2_000, numSamples: 50_000 },
  demo: { numUsers: 20_000, numItems: 5_000, numSamples: 500_000 },
});

/**
 * The resolved args of a named preset, with optional overrides (validated like any args, so an
 * unknown override key names the closest valid one).
 */
export function syntheticPreset(
  setting: SyntheticSetting,
  size: SyntheticSize = 'demo',
  overrides: MultiBehaviorArgs = {},
): ResolvedMultiBehaviorArgs {
  const settingName = checkEnum(setting, SYNTHETIC_SETTINGS, 'syntheticPreset: setting');
  const sizeName = checkEnum(size, SYNTHETIC_SIZES, 'syntheticPreset: size');
  const base = { ...SYNTHETIC_SETTING_KNOBS[settingName], ...SYNTHETIC_SIZE_KNOBS[sizeName] };
  resolveMultiBehaviorArgs(overrides, 'syntheticPreset: overrides');
  return resolveMultiBehaviorArgs({ ...base, ...overrides }, `syntheticPreset(${settingName}, ${sizeName})`);
}

/** Every preset as resolved args, keyed `${setting}/${size}`. */
export const SYNTHETIC_PRESETS: Readonly<
  Record<`${SyntheticSetting}/${SyntheticSize}`, ResolvedMultiBehaviorArgs>
> = Object.freeze(
  Object.fromEntries(
    SYNTHETIC_SETTINGS.flatMap((setting) =>
      SYNTHETIC_SIZES.map((size) => [`${setting}/${size}`, syntheticPreset(setting, size)]),
    ),
  ) as Record<`${SyntheticSetting}/${SyntheticSize}`, ResolvedMultiBehaviorArgs>,
);
