// The MMoE benchmark configuration (schema and model args from @dtrn/model's bench) plus
// what the trainer benchmarks add: seeded random batches and a restartable cycling source.
// Conversion is defined on clicks here (its sample mask is the click label).
import { mmoeModelArgs, mmoeSchema, randomFeatures, seededRandom } from '../../model/bench/mmoe-config.mjs';

export const schema = mmoeSchema();
export const modelArgs = mmoeModelArgs;

/** A seeded generator of random batches (uniform ids, sequences of random length, left-padded). */
export function batchMaker(seed = 12345) {
  const random = seededRandom(seed);
  return (size) => {
    const { sparse, sequences } = randomFeatures(random, size);
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
