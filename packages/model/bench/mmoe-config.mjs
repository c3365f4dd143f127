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

/** `createModel` args of the DTRN configuration: TIM + TRM in front of the same MMoE head. */
export const dtrnModelArgs = { bottom: 'dtrn', head: 'mmoe', headArgs: MMOE_HEAD, embeddingDim: d };

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

/** A seeded uniform generator in [0, 1) (a linear congruential one: the benchmarks' only source). */
export function seededRandom(seed = 12345) {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * The features of `size` random rows of the configuration, drawn from `random`: uniform ids; each
 * sequence gets a uniform random length in 0..L, left-padded with id 0.
 */
export function randomFeatures(random, size) {
  const id = () => 1 + Math.floor(random() * (vocabulary - 1));
  const sparse = Array.from({ length: numFields }, () => Int32Array.from({ length: size }, id));
  const sequences = Array.from({ length: numBehaviors }, () => {
    const items = new Int32Array(size * L);
    for (let b = 0; b < size; b++) {
      const length = Math.floor(random() * (L + 1));
      for (let l = L - length; l < L; l++) items[b * L + l] = id();
    }
    return { items, sideFields: [], maxLength: L };
  });
  return { sparse, sequences };
}

/** A seeded maker of random batches of the configuration (`randomFeatures`; labels positive with probability 0.3). */
export function randomBatchMaker(seed = 12345) {
  const random = seededRandom(seed);
  return (size) => {
    const { sparse, sequences } = randomFeatures(random, size);
    const labels = [0, 1].map(() => Float32Array.from({ length: size }, () => (random() < 0.3 ? 1 : 0)));
    return { size, sparse, dense: [], sequences, labels, sampleMasks: [undefined, undefined] };
  };
}
