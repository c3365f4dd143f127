/**
 * Head families: what kind of size arguments a head takes, and how its sizes follow from one scale
 * that an app picks for every head at once. The CLI's and the playground's comparison presets ask
 * a head's family for its sizes, so a new head needs no edit there.
 */

/**
 * One size for every head of a comparison. Each family derives its own size arguments from it,
 * so a comparison names the scale once instead of sizes per head.
 */
export interface HeadScale {
  /** Hidden widths of one expert MLP, e.g. `[64, 32]`. Each an integer >= 1; not empty. */
  readonly expertUnits: readonly number[];
  /** Hidden widths of each task tower, e.g. `[32]`. Each an integer >= 1; may be empty. */
  readonly towerUnits: readonly number[];
}

/** A kind of size arguments, shared by heads that are sized the same way. */
export interface HeadFamily {
  /** Kebab-case name, e.g. `bottom` or `experts`. */
  readonly name: string;
  /** The size arguments of a head of this family at `scale` (merged over the head's preset sizes). */
  sizesAt(scale: HeadScale): Record<string, unknown>;
}

/**
 * Heads with one shared MLP bottom (`bottomUnits`) and task towers (`towerUnits`). At a scale the
 * bottom is twice as wide as one expert [our choice: the ratio the CLI's and the playground's small
 * presets have used since their first measured runs, e.g. bottom [128, 64] beside experts [64, 32]].
 */
export const BOTTOM_FAMILY: HeadFamily = Object.freeze({
  name: 'bottom',
  sizesAt: (scale: HeadScale) => ({
    bottomUnits: scale.expertUnits.map((units) => 2 * units),
    towerUnits: [...scale.towerUnits],
  }),
});

/** Heads of expert MLPs (`expertUnits`) mixed by gates, with task towers (`towerUnits`): MMoE, PLE. */
export const EXPERT_FAMILY: HeadFamily = Object.freeze({
  name: 'experts',
  sizesAt: (scale: HeadScale) => ({
    expertUnits: [...scale.expertUnits],
    towerUnits: [...scale.towerUnits],
  }),
});
