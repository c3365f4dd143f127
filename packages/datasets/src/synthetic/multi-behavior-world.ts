/**
 * The latent world of the multi-behavior generator: items (category, brand, price bucket, latent
 * vector, attractiveness, quality) and users (latent vector, categorical fields, taste over
 * categories, price sensitivity). Indices here are 0-based; the schema maps them to rows from 1.
 */
import { createRng, deriveSeed, type Rng } from '@dtrn/base';
import { cumulative, sampleCumulative } from './math.js';
import type { ResolvedMultiBehaviorArgs } from './multi-behavior-args.js';

/** Sizes of the user and context fields (fixed; documented in docs/synthetic.md). */
export const USER_FIELD_SIZES = Object.freeze({
  userAge: 7,
  userGender: 3,
  userCity: 30,
  userActivity: 5,
  contextHour: 24,
  contextDevice: 4,
});

/** How strongly a user's latent taste skews the categories they browse (softmax temperature^-1). */
const CATEGORY_TASTE_SHARPNESS = 1.5;

export interface Items {
  readonly count: number;
  /** [count] category index. */
  readonly category: Int32Array;
  /** [count] global brand index. */
  readonly brand: Int32Array;
  /** [count] price bucket index. */
  readonly price: Int32Array;
  /** [count * latentDimension] latent vectors, unit variance per component. */
  readonly latent: Float64Array;
  /** [count] click-side item scalar, N(0, 1). */
  readonly attractiveness: Float64Array;
  /** [count] conversion-side item scalar, N(0, 1), correlated with attractiveness by itemCorrelation. */
  readonly quality: Float64Array;
  /** Item indices grouped by category: items of category c are `byCategory[categoryStart[c] .. categoryStart[c + 1])`. */
  readonly byCategory: Int32Array;
  readonly categoryStart: Int32Array;
  /** Number of brands (all categories). */
  readonly numBrands: number;
  /** [numCategories] Zipf popularity of categories, as a cumulative distribution. */
  readonly categoryPopularity: Float64Array;
}

export interface Users {
  readonly count: number;
  /** [count * latentDimension] latent vectors, N(0, 1) components. */
  readonly latent: Float64Array;
  /** Per user field (age, gender, city, activity) [count] value index (0-based). */
  readonly age: Int32Array;
  readonly gender: Int32Array;
  readonly city: Int32Array;
  readonly activity: Int32Array;
  /** [count] the device a user mostly uses. */
  readonly device: Int32Array;
  /** [count] price sensitivity, N(0, 1). */
  readonly priceSensitivity: Float64Array;
  /** [count * numCategories] per-user cumulative distribution over categories. */
  readonly categoryTaste: Float64Array;
}

export interface World {
  readonly items: Items;
  readonly users: Users;
}

function zipfWeights(count: number, exponent: number): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => 1 / (i + 1) ** exponent);
}

function generateItems(args: ResolvedMultiBehaviorArgs, rng: Rng): Items {
  const { numItems, numCategories, latentDimension: dim, numPriceBuckets, itemCorrelation } = args;
  const brandCount = Int32Array.from({ length: numCategories }, () =>
    rng.int(args.maxBrandsPerCategory - args.minBrandsPerCategory + 1),
  ).map((extra) => args.minBrandsPerCategory + extra);
  const brandStart = new Int32Array(numCategories + 1);
  for (let c = 0; c < numCategories; c++) brandStart[c + 1] = brandStart[c]! + brandCount[c]!;
  const numBrands = brandStart[numCategories]!;
  const categoryEmbedding = Float64Array.from({ length: numCategories * dim }, () => rng.normal());
  const brandEmbedding = Float64Array.from({ length: numBrands * dim }, () => rng.normal());
  const categoryPriceLevel = Float64Array.from({ length: numCategories }, () =>
    rng.uniform(0, numPriceBuckets - 1),
  );
  const brandPriceOffset = Float64Array.from({ length: numBrands }, () => 0.7 * rng.normal());
  const categoryPopularity = cumulative(zipfWeights(numCategories, args.categoryZipfExponent));

  const category = new Int32Array(numItems);
  const brand = new Int32Array(numItems);
  // Every brand gets one item first; the rest draw a Zipf category and a uniform brand in it.
  let item = 0;
  for (let c = 0; c < numCategories; c++) {
    for (let b = brandStart[c]!; b < brandStart[c + 1]!; b++, item++) {
      category[item] = c;
      brand[item] = b;
    }
  }
  for (; item < numItems; item++) {
    const c = sampleCumulative(categoryPopularity, rng.next());
    category[item] = c;
    brand[item] = brandStart[c]! + rng.int(brandCount[c]!);
  }
  const price = new Int32Array(numItems);
  const latent = new Float64Array(numItems * dim);
  const attractiveness = new Float64Array(numItems);
  const quality = new Float64Array(numItems);
  const latentScale = 1 / Math.sqrt(1 + 0.8 * 0.8 + 0.6 * 0.6);
  const independentShare = Math.sqrt(Math.max(0, 1 - itemCorrelation * itemCorrelation));
  for (let i = 0; i < numItems; i++) {
    const c = category[i]!;
    const b = brand[i]!;
    const level = categoryPriceLevel[c]! + brandPriceOffset[b]! + 0.7 * rng.normal();
    price[i] = Math.min(numPriceBuckets - 1, Math.max(0, Math.round(level)));
    for (let k = 0; k < dim; k++) {
      const value = categoryEmbedding[c * dim + k]! + 0.8 * brandEmbedding[b * dim + k]! + 0.6 * rng.normal();
      latent[i * dim + k] = value * latentScale;
    }
    const a = rng.normal();
    attractiveness[i] = a;
    quality[i] = itemCorrelation * a + independentShare * rng.normal();
  }
  const categoryStart = new Int32Array(numCategories + 1);
  for (let i = 0; i < numItems; i++) categoryStart[category[i]! + 1] = categoryStart[category[i]! + 1]! + 1;
  for (let c = 0; c < numCategories; c++) categoryStart[c + 1] = categoryStart[c + 1]! + categoryStart[c]!;
  const fill = categoryStart.slice(0, numCategories);
  const byCategory = new Int32Array(numItems);
  for (let i = 0; i < numItems; i++) {
    const c = category[i]!;
    byCategory[fill[c]!] = i;
    fill[c] = fill[c]! + 1;
  }
  return {
    count: numItems,
    category,
    brand,
    price,
    latent,
    attractiveness,
    quality,
    byCategory,
    categoryStart,
    numBrands,
    categoryPopularity,
  };
}

/** Mean latent vector of each category's items (used for the users' category taste). */
function categoryCentroids(items: Items, numCategories: number, dim: number): Float64Array {
  const centroids = new Float64Array(numCategories * dim);
  for (let c = 0; c < numCategories; c++) {
    const start = items.categoryStart[c]!;
    const end = items.categoryStart[c + 1]!;
    for (let j = start; j < end; j++) {
      const i = items.byCategory[j]!;
      for (let k = 0; k < dim; k++)
        centroids[c * dim + k] = centroids[c * dim + k]! + items.latent[i * dim + k]!;
    }
    for (let k = 0; k < dim; k++) centroids[c * dim + k] = centroids[c * dim + k]! / Math.max(1, end - start);
  }
  return centroids;
}

function generateUsers(args: ResolvedMultiBehaviorArgs, items: Items, rng: Rng): Users {
  const { numUsers, numCategories, latentDimension: dim } = args;
  const sizes = USER_FIELD_SIZES;
  const genderCdf = cumulative([0.48, 0.48, 0.04]);
  const cityCdf = cumulative(zipfWeights(sizes.userCity, 0.8));
  const centroids = categoryCentroids(items, numCategories, dim);
  const logPopularity = zipfWeights(numCategories, args.categoryZipfExponent).map(Math.log);
  const latent = new Float64Array(numUsers * dim);
  const age = new Int32Array(numUsers);
  const gender = new Int32Array(numUsers);
  const city = new Int32Array(numUsers);
  const activity = new Int32Array(numUsers);
  const device = new Int32Array(numUsers);
  const priceSensitivity = new Float64Array(numUsers);
  const categoryTaste = new Float64Array(numUsers * numCategories);
  const weights = new Float64Array(numCategories);
  for (let u = 0; u < numUsers; u++) {
    for (let k = 0; k < dim; k++) latent[u * dim + k] = rng.normal();
    age[u] = rng.int(sizes.userAge);
    gender[u] = sampleCumulative(genderCdf, rng.next());
    city[u] = sampleCumulative(cityCdf, rng.next());
    activity[u] = rng.int(sizes.userActivity);
    device[u] = rng.int(sizes.contextDevice);
    priceSensitivity[u] = rng.normal();
    let largest = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < numCategories; c++) {
      let affinity = 0;
      for (let k = 0; k < dim; k++) affinity += latent[u * dim + k]! * centroids[c * dim + k]!;
      weights[c] = (CATEGORY_TASTE_SHARPNESS * affinity) / Math.sqrt(dim) + logPopularity[c]!;
      largest = Math.max(largest, weights[c]!);
    }
    for (let c = 0; c < numCategories; c++) weights[c] = Math.exp(weights[c]! - largest);
    categoryTaste.set(cumulative(weights), u * numCategories);
  }
  return { count: numUsers, latent, age, gender, city, activity, device, priceSensitivity, categoryTaste };
}

/** Draws the items and users of a generator run (deterministic in `args.seed`). */
export function generateWorld(args: ResolvedMultiBehaviorArgs): World {
  const items = generateItems(args, createRng(deriveSeed(args.seed, 'multi-behavior/items')));
  const users = generateUsers(args, items, createRng(deriveSeed(args.seed, 'multi-behavior/users')));
  return { items, users };
}
