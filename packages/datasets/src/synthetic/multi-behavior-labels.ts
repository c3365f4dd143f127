/**
 * The label model of the multi-behavior generator. Per task k (0 = click, 1 = conversion):
 *
 *   s_k = b_k + w_ui * ui_k + w_field * field_k + w_item * item_k + w_seq * seq_k
 *
 * with every term standardised over the rows, ui_k the user-item latent score (correlation rho
 * between tasks), field_k the task's user/context field effects (importances overlapping by o),
 * item_k attractiveness or quality, seq_k the target-dependent sequence relevance mixed by kappa,
 * and b_k solved so the realised label rate hits the target.
 */
import { createRng, deriveSeed, type Rng } from '@dtrn/base';
import { normalVector, orthonormalize, standardizeInPlace } from './math.js';
import type { ResolvedMultiBehaviorArgs } from './multi-behavior-args.js';
import type { Simulation } from './multi-behavior-sequences.js';
import { USER_FIELD_SIZES, type World } from './multi-behavior-world.js';

/** The unit-scale terms of one task's logit, [N] each. */
export interface TaskTerms {
  readonly userItem: Float64Array;
  readonly field: Float64Array;
  readonly item: Float64Array;
  readonly sequence: Float64Array;
}

export interface LabelModel {
  /** Per task (click, conversion). */
  readonly terms: readonly [TaskTerms, TaskTerms];
  /** Per task, the solved bias b_k. */
  readonly biases: readonly [number, number];
  /** Per task, [N] labels in {0, 1} (conversion is 0 off its sample space). */
  readonly labels: readonly [Float32Array, Float32Array];
  /** [N] conversion sample-space mask (the click labels) in cascade mode; undefined when independent. */
  readonly conversionMask?: Float32Array;
  /** Per task, the field importances in the order of {@link FIELD_EFFECT_ORDER}. */
  readonly fieldImportances: readonly [readonly number[], readonly number[]];
}

/** The user/context fields with effects, split in two groups for the overlap knob. */
export const FIELD_EFFECT_ORDER = [
  'userAge',
  'userCity',
  'contextHour',
  'userGender',
  'userActivity',
  'contextDevice',
] as const;
const FIRST_GROUP_SIZE = 3;

/**
 * Importance vectors with cosine o: click = cos(theta) p + sin(theta) q, conversion = sin(theta) p +
 * cos(theta) q with p, q the normalised indicators of the two field groups and sin(2 theta) = o.
 */
export function fieldImportances(overlap: number): readonly [number[], number[]] {
  const theta = Math.asin(overlap) / 2;
  const groupScale = 1 / Math.sqrt(FIRST_GROUP_SIZE);
  const secondScale = 1 / Math.sqrt(FIELD_EFFECT_ORDER.length - FIRST_GROUP_SIZE);
  const click = FIELD_EFFECT_ORDER.map((_, f) =>
    f < FIRST_GROUP_SIZE ? Math.cos(theta) * groupScale : Math.sin(theta) * secondScale,
  );
  const conversion = FIELD_EFFECT_ORDER.map((_, f) =>
    f < FIRST_GROUP_SIZE ? Math.sin(theta) * groupScale : Math.cos(theta) * secondScale,
  );
  return [click, conversion];
}

/**
 * User-item scores with an exact empirical correlation rho: z = u * v (elementwise), directions
 * orthonormalised in the metric of z's empirical covariance, so both scores have variance 1 and
 * correlation rho over the generated rows.
 */
function userItemScores(args: ResolvedMultiBehaviorArgs, world: World, simulation: Simulation, rng: Rng) {
  const dim = args.latentDimension;
  const n = simulation.user.length;
  const { users, items } = world;
  const z = new Float64Array(dim);
  const fillZ = (row: number) => {
    const u = simulation.user[row]!;
    const item = simulation.targetItem[row]!;
    for (let k = 0; k < dim; k++) z[k] = users.latent[u * dim + k]! * items.latent[item * dim + k]!;
  };
  const mean = new Float64Array(dim);
  const covariance = new Float64Array(dim * dim);
  for (let row = 0; row < n; row++) {
    fillZ(row);
    for (let i = 0; i < dim; i++) {
      mean[i] = mean[i]! + z[i]!;
      for (let j = 0; j < dim; j++) covariance[i * dim + j] = covariance[i * dim + j]! + z[i]! * z[j]!;
    }
  }
  for (let i = 0; i < dim; i++) mean[i] = mean[i]! / n;
  for (let i = 0; i < dim; i++)
    for (let j = 0; j < dim; j++)
      covariance[i * dim + j] = covariance[i * dim + j]! / n - mean[i]! * mean[j]!;
  for (let i = 0; i < dim; i++) covariance[i * dim + i] = covariance[i * dim + i]! + 1e-12;
  const [first, second] = orthonormalize([normalVector(rng, dim), normalVector(rng, dim)], dim, covariance);
  const rho = args.taskCorrelation;
  const rest = Math.sqrt(Math.max(0, 1 - rho * rho));
  const clickDirection = first!;
  const conversionDirection = first!.map((value, k) => rho * value + rest * second![k]!);
  const click = new Float64Array(n);
  const conversion = new Float64Array(n);
  for (let row = 0; row < n; row++) {
    fillZ(row);
    let clickScore = 0;
    let conversionScore = 0;
    for (let k = 0; k < dim; k++) {
      const centered = z[k]! - mean[k]!;
      clickScore += clickDirection[k]! * centered;
      conversionScore += conversionDirection[k]! * centered;
    }
    click[row] = clickScore;
    conversion[row] = conversionScore;
  }
  return [click, conversion] as const;
}

function fieldScores(args: ResolvedMultiBehaviorArgs, world: World, simulation: Simulation, rng: Rng) {
  const n = simulation.user.length;
  const { users } = world;
  const columns: Record<(typeof FIELD_EFFECT_ORDER)[number], (row: number) => number> = {
    userAge: (row) => users.age[simulation.user[row]!]!,
    userCity: (row) => users.city[simulation.user[row]!]!,
    contextHour: (row) => simulation.hour[row]!,
    userGender: (row) => users.gender[simulation.user[row]!]!,
    userActivity: (row) => users.activity[simulation.user[row]!]!,
    contextDevice: (row) => simulation.device[row]!,
  };
  const importances = fieldImportances(args.fieldOverlap);
  const scores = importances.map((importance) => {
    // A separate effect table per task and field, N(0, 1) per value.
    const tables = FIELD_EFFECT_ORDER.map((name) => normalVector(rng, USER_FIELD_SIZES[name]));
    const score = new Float64Array(n);
    FIELD_EFFECT_ORDER.forEach((name, f) => {
      const weight = importance[f]!;
      const table = tables[f]!;
      const value = columns[name];
      for (let row = 0; row < n; row++) score[row] = score[row]! + weight * table[value(row)]!;
    });
    standardizeInPlace(score);
    return score;
  });
  return { scores: [scores[0]!, scores[1]!] as const, importances };
}

function sequenceScores(args: ResolvedMultiBehaviorArgs, simulation: Simulation) {
  const categoryMatch = Float64Array.from(simulation.clickRelevance);
  const brandPriceMatch = Float64Array.from(simulation.conversionRelevance);
  standardizeInPlace(categoryMatch);
  standardizeInPlace(brandPriceMatch);
  const specific = (1 + args.sequenceTaskSpecificity) / 2;
  const shared = (1 - args.sequenceTaskSpecificity) / 2;
  const click = categoryMatch.map((value, row) => specific * value + shared * brandPriceMatch[row]!);
  const conversion = categoryMatch.map((value, row) => shared * value + specific * brandPriceMatch[row]!);
  standardizeInPlace(click);
  standardizeInPlace(conversion);
  return [click, conversion] as const;
}

/** log(p / (1 - p)), finite for p in (0, 1). */
function logit(p: number): number {
  return Math.log(p) - Math.log1p(-p);
}

/**
 * Labels `U_i < sigmoid(s_i + b)` with fixed uniforms U. Row i is positive iff
 * `b > logit(U_i) - s_i`, so sorting those thresholds gives the bias whose realised positive count
 * over `space` is exactly `round(rate * |space|)` (the midpoint between two consecutive thresholds).
 */
function solveBiasAndLabels(
  logits: Float64Array,
  uniforms: Float64Array,
  rate: number,
  space?: Float32Array,
): { bias: number; labels: Float32Array } {
  const thresholds: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    if (space && space[i] === 0) continue;
    thresholds.push(logit(uniforms[i]!) - logits[i]!);
  }
  const sorted = Float64Array.from(thresholds).sort();
  // An empty sample space (e.g. no click at all in a tiny run): nothing to calibrate on.
  if (sorted.length === 0) return { bias: logit(rate), labels: new Float32Array(logits.length) };
  const wanted = Math.min(sorted.length, Math.max(0, Math.round(rate * sorted.length)));
  const below = wanted > 0 ? sorted[wanted - 1]! : sorted[0]! - 2;
  const above = wanted < sorted.length ? sorted[wanted]! : sorted[sorted.length - 1]! + 2;
  const bias = (below + above) / 2;
  const labels = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) {
    if (space && space[i] === 0) continue;
    labels[i] = logit(uniforms[i]!) - logits[i]! < bias ? 1 : 0;
  }
  return { bias, labels };
}

/** Computes the terms, solves the biases and draws the labels (deterministic in `args.seed`). */
export function drawLabels(
  args: ResolvedMultiBehaviorArgs,
  world: World,
  simulation: Simulation,
): LabelModel {
  const n = simulation.user.length;
  const userItem = userItemScores(
    args,
    world,
    simulation,
    createRng(deriveSeed(args.seed, 'labels/user-item')),
  );
  const field = fieldScores(args, world, simulation, createRng(deriveSeed(args.seed, 'labels/fields')));
  const sequence = sequenceScores(args, simulation);
  const item = [
    Float64Array.from(simulation.targetItem, (target) => world.items.attractiveness[target]!),
    Float64Array.from(simulation.targetItem, (target) => world.items.quality[target]!),
  ] as const;
  const terms = [0, 1].map((k) => ({
    userItem: userItem[k]!,
    field: field.scores[k]!,
    item: item[k]!,
    sequence: sequence[k]!,
  })) as unknown as readonly [TaskTerms, TaskTerms];
  const logits = terms.map((term) => {
    const logit = new Float64Array(n);
    for (let row = 0; row < n; row++) {
      logit[row] =
        args.userItemWeight * term.userItem[row]! +
        args.fieldWeight * term.field[row]! +
        args.itemWeight * term.item[row]! +
        args.sequenceWeight * term.sequence[row]!;
    }
    return logit;
  });
  const uniformRng = createRng(deriveSeed(args.seed, 'labels/uniforms'));
  const clickUniforms = Float64Array.from({ length: n }, () => uniformRng.next());
  const conversionUniforms = Float64Array.from({ length: n }, () => uniformRng.next());
  const click = solveBiasAndLabels(logits[0]!, clickUniforms, args.clickRate);
  const conversionMask = args.taskMode === 'cascade' ? Float32Array.from(click.labels) : undefined;
  const conversion = solveBiasAndLabels(logits[1]!, conversionUniforms, args.conversionRate, conversionMask);
  return {
    terms,
    biases: [click.bias, conversion.bias],
    labels: [click.labels, conversion.labels],
    ...(conversionMask ? { conversionMask } : {}),
    fieldImportances: [field.importances[0]!, field.importances[1]!],
  };
}
