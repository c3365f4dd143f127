// The MMoE benchmark configuration, shared by @dtrn/model's and @dtrn/trainer's benchmarks
// (tfjs-free): 2 tasks, 20 sparse fields (field 0 is the target item, whose id space the three
// behavior sequences of length 50 share), d = 16, mean-pooled sequences, MMoE 4 experts [256, 128],
// towers [64].
export const numFields = 20;
export const vocabulary = 10_000;
export const L = 50;
export const numBehaviors = 3;
export const d = 16;

export const MMOE_HEAD = { numExperts: 4, expertUnits: [256, 128], towerUnits: [64] };

/** `createModel` args of the MMoE configuration. */
export const mmoeModelArgs = {
  bottom: 'shared',
  sequenceEncoder: 'mean-pool',
  head: 'mmoe',
  headArgs: MMOE_HEAD,
  embeddingDim: d,
};

/**
 * The configuration's schema. `rows`: rows of every id space; `sharedFieldTable`: the 19 non-item
 * fields share one `field` id space (one table) instead of one id space each.
 */
export function mmoeSchema({ rows = vocabulary, sharedFieldTable = false } = {}) {
  const fieldSpace = (f) => (sharedFieldTable ? 'field' : `f${f}`);
  const fieldSpaces = sharedFieldTable
    ? ['field']
    : Array.from({ length: numFields - 1 }, (_, i) => `f${i + 1}`);
  return {
    idSpaces: ['item', ...fieldSpaces].map((name) => ({ name, size: rows, oov: 'error' })),
    sparseFields: Array.from({ length: numFields }, (_, f) =>
      f === 0 ? { name: 'target_item', idSpace: 'item' } : { name: `field_${f}`, idSpace: fieldSpace(f) },
    ),
    denseFields: [],
    sequences: {
      behaviors: ['click', 'cart', 'order'].map((name) => ({ name, maxLength: L })),
      itemIdSpace: 'item',
      sideFields: [],
      targetField: 'target_item',
    },
    tasks: [{ name: 'click' }, { name: 'conversion' }],
  };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
