/**
 * Simulates every user's behavior timeline (clicks with a session-category drift, carts and orders
 * drawn from clicks) and, at each impression, snapshots the three typed sequences, draws the target
 * item and measures the two target-dependent sequence relevances of the label model.
 */
import { createRng, deriveSeed, type Rng } from '@dtrn/base';
import { cumulative, sampleCumulative, sigmoid } from './math.js';
import type { ResolvedMultiBehaviorArgs } from './multi-behavior-args.js';
import { USER_FIELD_SIZES, type World } from './multi-behavior-world.js';

/** Behavior names in schema order. */
export const BEHAVIORS = ['click', 'cart', 'order'] as const;

/** Mapped age id of the target item ("now"); sequence elements use 2 + recency bucket. */
export const TARGET_AGE_ID = 1;

/** Candidates compared (Gumbel-max over affinity) when a click picks an item inside a category. */
const CLICK_CANDIDATES = 4;
/** Mean seconds between two impressions of a user, and the window in which users start. */
const MEAN_IMPRESSION_GAP_SECONDS = 3 * 3600;
const START_WINDOW_SECONDS = 20 * 24 * 3600;
/** Probability that an impression happens on the user's usual device. */
const USUAL_DEVICE_PROBABILITY = 0.8;

/** Recency bucket of the element `rank` positions before the newest: floor(log2(rank + 1)). */
export function recencyBucket(rank: number): number {
  return 31 - Math.clz32(rank + 1);
}

/** Number of recency buckets for sequences of length L. */
export function numRecencyBuckets(sequenceLength: number): number {
  return recencyBucket(sequenceLength - 1) + 1;
}

/** One behavior's padded sequences for all rows: item and side-field ids, mapped (0 = padding). */
export interface SimulatedSequences {
  /** [N * L] item rows. */
  readonly items: Int32Array;
  /** [N * L] each: category, brand, price bucket, age (in this order). */
  readonly sideFields: readonly [Int32Array, Int32Array, Int32Array, Int32Array];
}

export interface Simulation {
  /** [N] 0-based user of each row (rows sorted by timestamp). */
  readonly user: Int32Array;
  /** [N] impression time in seconds. */
  readonly timestamp: Float64Array;
  /** [N] 0-based target item. */
  readonly targetItem: Int32Array;
  /** [N] 0-based hour of day and device of the impression. */
  readonly hour: Int32Array;
  readonly device: Int32Array;
  /** Per behavior (click, cart, order). */
  readonly sequences: readonly SimulatedSequences[];
  /** [N] click relevance: recency-weighted (tau = clickMemory) share of clicks in the target's category. */
  readonly clickRelevance: Float64Array;
  /** [N] conversion relevance: recency-weighted (tau = conversionMemory) brand and price match with the target. */
  readonly conversionRelevance: Float64Array;
  /** Per behavior, the mean number of non-padding elements per row. */
  readonly meanLengths: readonly number[];
}

/**
 * One behavior's growing history for the current user, stored as mapped ids (item, category, brand,
 * price) in parallel buffers so a snapshot is a few block copies.
 */
class History {
  columns: Int32Array[] = [
    new Int32Array(256),
    new Int32Array(256),
    new Int32Array(256),
    new Int32Array(256),
  ];
  length = 0;
  push(item: number, category: number, brand: number, price: number): void {
    if (this.length === this.columns[0]!.length) {
      this.columns = this.columns.map((column) => {
        const grown = new Int32Array(column.length * 2);
        grown.set(column);
        return grown;
      });
    }
    const [items, categories, brands, prices] = this.columns as [
      Int32Array,
      Int32Array,
      Int32Array,
      Int32Array,
    ];
    items[this.length] = item;
    categories[this.length] = category;
    brands[this.length] = brand;
    prices[this.length] = price;
    this.length++;
  }
}

/** Impression counts per user (activity-weighted) and the row of every (user, k-th impression). */
function scheduleImpressions(args: ResolvedMultiBehaviorArgs, world: World, rng: Rng) {
  const { numUsers, numSamples } = args;
  const userCdf = cumulative(Float64Array.from(world.users.activity, (level) => level + 1));
  const start = new Int32Array(numUsers + 1);
  const pick = new Int32Array(numSamples);
  for (let s = 0; s < numSamples; s++) {
    const user = sampleCumulative(userCdf, rng.next());
    pick[s] = user;
    start[user + 1] = start[user + 1]! + 1;
  }
  for (let u = 0; u < numUsers; u++) start[u + 1] = start[u + 1]! + start[u]!;
  // Times in user-major order: user u's k-th impression is entry start[u] + k.
  const time = new Float64Array(numSamples);
  for (let u = 0; u < numUsers; u++) {
    let t = rng.next() * START_WINDOW_SECONDS;
    for (let j = start[u]!; j < start[u + 1]!; j++) {
      t += -Math.log(1 - rng.next()) * MEAN_IMPRESSION_GAP_SECONDS;
      time[j] = t;
    }
  }
  const order = Uint32Array.from({ length: numSamples }, (_, i) => i);
  order.sort((a, b) => time[a]! - time[b]! || a - b);
  const rowOf = new Int32Array(numSamples);
  for (let row = 0; row < numSamples; row++) rowOf[order[row]!] = row;
  return { start, time, rowOf };
}

/** Runs the simulation (deterministic in `args.seed`). */
export function simulateSequences(args: ResolvedMultiBehaviorArgs, world: World): Simulation {
  const { numSamples: n, sequenceLength: L, latentDimension: dim, numCategories } = args;
  const { items, users } = world;
  const rng = createRng(deriveSeed(args.seed, 'multi-behavior/timeline'));
  const { start, time, rowOf } = scheduleImpressions(
    args,
    world,
    createRng(deriveSeed(args.seed, 'multi-behavior/schedule')),
  );
  const user = new Int32Array(n);
  const timestamp = new Float64Array(n);
  const targetItem = new Int32Array(n);
  const hour = new Int32Array(n);
  const device = new Int32Array(n);
  const sequences: SimulatedSequences[] = BEHAVIORS.map(() => ({
    items: new Int32Array(n * L),
    sideFields: [new Int32Array(n * L), new Int32Array(n * L), new Int32Array(n * L), new Int32Array(n * L)],
  }));
  const clickRelevance = new Float64Array(n);
  const conversionRelevance = new Float64Array(n);
  const clickDecay = Float64Array.from({ length: L }, (_, r) => Math.exp(-r / args.clickMemory));
  const conversionDecay = Float64Array.from({ length: L }, (_, r) => Math.exp(-r / args.conversionMemory));
  // Age ids right-aligned like a sequence row: position L - 1 - r holds the bucket of rank r.
  const ageRow = Int32Array.from({ length: L }, (_, p) => TARGET_AGE_ID + 1 + recencyBucket(L - 1 - p));
  const filledTotals = BEHAVIORS.map(() => 0);
  const histories = BEHAVIORS.map(() => new History());
  const cartBase = Math.log(args.cartProbability / (1 - args.cartProbability));
  const orderBase = Math.log(args.orderProbability / (1 - args.orderProbability));
  const priceMiddle = (args.numPriceBuckets - 1) / 2;
  const inverseRootDim = 1 / Math.sqrt(dim);
  const stayProbability = 1 / (1 + args.meanClicksBetweenImpressions);

  let sessionCategory = -1;
  const affinity = (u: number, item: number): number => {
    let sum = 0;
    for (let k = 0; k < dim; k++) sum += users.latent[u * dim + k]! * items.latent[item * dim + k]!;
    return sum * inverseRootDim;
  };
  const tasteCategory = (u: number) =>
    sampleCumulative(users.categoryTaste, rng.next(), u * numCategories, numCategories);
  const click = (u: number): void => {
    if (sessionCategory < 0 || rng.next() >= args.sessionStickiness) sessionCategory = tasteCategory(u);
    const first = items.categoryStart[sessionCategory]!;
    const size = items.categoryStart[sessionCategory + 1]! - first;
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < CLICK_CANDIDATES; c++) {
      const candidate = items.byCategory[first + rng.int(size)]!;
      const gumbel = -Math.log(-Math.log(1 - rng.next() * (1 - 1e-12)));
      const score = affinity(u, candidate) + 0.5 * items.attractiveness[candidate]! + gumbel;
      if (score > bestScore) {
        bestScore = score;
        best = candidate;
      }
    }
    const category = items.category[best]!;
    const brand = items.brand[best]!;
    const price = items.price[best]!;
    histories[0]!.push(best + 1, category + 1, brand + 1, price + 1);
    const priceOffset = (price - priceMiddle) / Math.max(1, priceMiddle);
    const priceTerm = -0.5 * users.priceSensitivity[u]! * priceOffset;
    const quality = 0.5 * items.quality[best]!;
    if (rng.next() < sigmoid(cartBase + 0.5 * affinity(u, best) + quality + priceTerm)) {
      histories[1]!.push(best + 1, category + 1, brand + 1, price + 1);
      if (rng.next() < sigmoid(orderBase + quality + priceTerm)) {
        histories[2]!.push(best + 1, category + 1, brand + 1, price + 1);
      }
    }
  };

  for (let u = 0; u < args.numUsers; u++) {
    for (const history of histories) history.length = 0;
    sessionCategory = -1;
    const warmUp = Math.floor(L / 2) + rng.int(Math.floor(1.5 * L) + 1);
    for (let step = 0; step < warmUp; step++) click(u);
    for (let j = start[u]!; j < start[u + 1]!; j++) {
      const row = rowOf[j]!;
      user[row] = u;
      timestamp[row] = time[j]!;
      hour[row] = Math.floor(time[j]! / 3600) % USER_FIELD_SIZES.contextHour;
      device[row] =
        rng.next() < USUAL_DEVICE_PROBABILITY ? users.device[u]! : rng.int(USER_FIELD_SIZES.contextDevice);
      // Target: the session's category, the user's taste, or category popularity; uniform item in it.
      const draw = rng.next();
      const category =
        draw < args.targetSessionShare && sessionCategory >= 0
          ? sessionCategory
          : draw < args.targetSessionShare + args.targetUserShare
            ? tasteCategory(u)
            : sampleCumulative(items.categoryPopularity, rng.next());
      const first = items.categoryStart[category]!;
      const target = items.byCategory[first + rng.int(items.categoryStart[category + 1]! - first)]!;
      targetItem[row] = target;
      // Snapshot: the newest min(L, length) elements, right-aligned (padding first, newest at L - 1).
      for (let b = 0; b < BEHAVIORS.length; b++) {
        const history = histories[b]!;
        const { items: seqItems, sideFields } = sequences[b]!;
        const length = Math.min(L, history.length);
        if (length === 0) continue;
        filledTotals[b] = filledTotals[b]! + length;
        const destination = row * L + (L - length);
        const from = history.length - length;
        seqItems.set(history.columns[0]!.subarray(from, history.length), destination);
        for (let side = 0; side < 3; side++) {
          sideFields[side]!.set(history.columns[side + 1]!.subarray(from, history.length), destination);
        }
        sideFields[3].set(ageRow.subarray(L - length), destination);
      }
      // Relevance of the click sequence to the target (ids compared in mapped form).
      const clicks = histories[0]!;
      const [, clickCategories, clickBrands, clickPrices] = clicks.columns as [
        Int32Array,
        Int32Array,
        Int32Array,
        Int32Array,
      ];
      const targetCategory = category + 1;
      const targetBrand = items.brand[target]! + 1;
      const targetPrice = items.price[target]! + 1;
      const length = Math.min(L, clicks.length);
      let clickMatch = 0;
      let clickWeight = 0;
      let conversionMatch = 0;
      let conversionWeight = 0;
      for (let r = 0; r < length; r++) {
        const index = clicks.length - 1 - r;
        if (clickCategories[index] === targetCategory) clickMatch += clickDecay[r]!;
        clickWeight += clickDecay[r]!;
        const brandMatch = clickBrands[index] === targetBrand ? 0.5 : 0;
        const priceMatch = clickPrices[index] === targetPrice ? 0.5 : 0;
        conversionMatch += conversionDecay[r]! * (brandMatch + priceMatch);
        conversionWeight += conversionDecay[r]!;
      }
      clickRelevance[row] = clickWeight > 0 ? clickMatch / clickWeight : 0;
      conversionRelevance[row] = conversionWeight > 0 ? conversionMatch / conversionWeight : 0;
      // Clicks until the next impression: geometric with the configured mean.
      while (rng.next() >= stayProbability) click(u);
    }
  }
  return {
    user,
    timestamp,
    targetItem,
    hour,
    device,
    sequences,
    clickRelevance,
    conversionRelevance,
    meanLengths: filledTotals.map((total) => total / n),
  };
}
