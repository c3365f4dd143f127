// The MMoE benchmark configuration, shared by the trainer benchmarks: 2 tasks, 20 sparse
// fields of vocabulary 10,000 (field 0 is the target item, whose id space the three behavior
// sequences share), three sequences of length 50 mean-pooled, d = 16, MMoE 4 experts [256, 128],
// towers [64]; conversion is defined on clicks (its sample mask is the click label).
export const numFields = 20;
export const vocabulary = 10_000;
export const L = 50;
export const numBehaviors = 3;
export const d = 16;

export const schema = {
  idSpaces: Array.from({ length: numFields }, (_, f) => ({
    name: f === 0 ? 'item' : `f${f}`,
    size: vocabulary,
    oov: 'error',
  })),
  sparseFields: Array.from({ length: numFields }, (_, f) => ({
    name: f === 0 ? 'target_item' : `field_${f}`,
    idSpace: f === 0 ? 'item' : `f${f}`,
  })),
  denseFields: [],
  sequences: {
    behaviors: ['click', 'cart', 'order'].map((name) => ({ name, maxLength: L })),
    itemIdSpace: 'item',
    sideFields: [],
    targetField: 'target_item',
  },
  tasks: [{ name: 'click' }, { name: 'conversion' }],
};

export const modelArgs = {
  bottom: 'shared',
  sequenceEncoder: 'mean-pool',
  head: 'mmoe',
  headArgs: { numExperts: 4, expertUnits: [256, 128], towerUnits: [64] },
  embeddingDim: d,
};

/** A seeded generator of random batches (uniform ids, sequences of random length, left-padded). */
export function batchMaker(seed = 12345) {
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return (size) => {
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
    const click = Float32Array.from({ length: size }, () => (random() < 0.3 ? 1 : 0));
    const conversion = Float32Array.from({ length: size }, (_, i) => (click[i] && random() < 0.3 ? 1 : 0));
    return {
      size,
      sparse,
      dense: [],
      sequences,
      labels: [click, conversion],
      sampleMasks: [undefined, click],
    };
  };
}

/** TrainingBatches that cycle over `batches` for `steps` steps in one epoch (restartable). */
export function cyclingSource(batches, steps) {
  return {
    batchesPerEpoch: steps,
    *epoch(_epoch, start) {
      for (let i = start; i < steps; i++) yield batches[i % batches.length];
    },
  };
}
