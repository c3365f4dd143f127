/**
 * The multi-behavior, multi-task generator of DATA.md: users, items, three typed behavior sequences
 * with side fields, click and conversion labels with controlled conflict, and the true logits
 * (oracle and partial oracles) as extras.
 */
import type { InMemoryDataset } from '@dtrn/data';
import {
  type MultiBehaviorArgs,
  type ResolvedMultiBehaviorArgs,
  resolveMultiBehaviorArgs,
} from './multi-behavior-args.js';
import { drawLabels, FIELD_EFFECT_ORDER, type TaskTerms } from './multi-behavior-labels.js';
import { buildSyntheticSchema, SYNTHETIC_TASKS } from './multi-behavior-schema.js';
import { BEHAVIORS, simulateSequences, TARGET_AGE_ID } from './multi-behavior-sequences.js';
import { generateWorld } from './multi-behavior-world.js';

/** The oracle logits shipped per task as extras `${kind}/${task}`. */
export const ORACLE_KINDS = [
  'oracle',
  'oracle-no-user-item',
  'oracle-sequence-only',
  'oracle-no-sequence',
] as const;
export type OracleKind = (typeof ORACLE_KINDS)[number];

/** The unit-scale logit terms shipped per task as extras `${kind}/${task}`. */
export const SCORE_KINDS = ['score-user-item', 'score-field', 'score-item', 'score-sequence'] as const;

/** What the generator knows beyond the dataset: resolved args, biases, field importances. */
export interface SyntheticInfo {
  readonly args: ResolvedMultiBehaviorArgs;
  /** Per task (click, conversion), the solved bias b_k. */
  readonly biases: readonly number[];
  /** Per task, importance of each user/context field (names in `fieldImportanceNames`). */
  readonly fieldImportances: readonly (readonly number[])[];
  readonly fieldImportanceNames: readonly string[];
  /** Per behavior, the mean number of non-padding elements per row. */
  readonly meanSequenceLengths: Readonly<Record<string, number>>;
}

/** An InMemoryDataset from the generator, with what the generator knows. */
export interface SyntheticDataset extends InMemoryDataset {
  readonly synthetic: SyntheticInfo;
}

function oracleExtras(
  args: ResolvedMultiBehaviorArgs,
  terms: readonly TaskTerms[],
  biases: readonly number[],
): Record<string, Float32Array> {
  const extras: Record<string, Float32Array> = {};
  SYNTHETIC_TASKS.forEach((task, k) => {
    const term = terms[k]!;
    const bias = biases[k]!;
    const n = term.userItem.length;
    const columns = Object.fromEntries(
      [...ORACLE_KINDS, ...SCORE_KINDS].map((kind) => [kind, new Float32Array(n)]),
    ) as Record<(typeof ORACLE_KINDS)[number] | (typeof SCORE_KINDS)[number], Float32Array>;
    for (let row = 0; row < n; row++) {
      const userItem = args.userItemWeight * term.userItem[row]!;
      const sequence = args.sequenceWeight * term.sequence[row]!;
      const rest = args.fieldWeight * term.field[row]! + args.itemWeight * term.item[row]!;
      columns.oracle[row] = bias + userItem + sequence + rest;
      columns['oracle-no-user-item'][row] = bias + sequence + rest;
      columns['oracle-sequence-only'][row] = bias + sequence;
      columns['oracle-no-sequence'][row] = bias + userItem + rest;
      columns['score-user-item'][row] = term.userItem[row]!;
      columns['score-field'][row] = term.field[row]!;
      columns['score-item'][row] = term.item[row]!;
      columns['score-sequence'][row] = term.sequence[row]!;
    }
    for (const [kind, column] of Object.entries(columns)) extras[`${kind}/${task}`] = column;
  });
  return extras;
}

/**
 * Generates a multi-behavior, multi-task dataset. Deterministic: equal args (seed included) give
 * byte-identical arrays on every machine. See docs/synthetic.md for the model and every choice.
 */
export function generateMultiBehaviorData(config: MultiBehaviorArgs = {}): SyntheticDataset {
  const args = resolveMultiBehaviorArgs(config);
  const world = generateWorld(args);
  const simulation = simulateSequences(args, world);
  const labelModel = drawLabels(args, world, simulation);
  const schema = buildSyntheticSchema(args, world.items.numBrands);
  const { users, items } = world;
  const n = args.numSamples;
  // Mapped ids (row 0 = padding): value index + 1, looked up per row.
  const mapped = (index: Int32Array, values?: Int32Array) => {
    const column = new Int32Array(n);
    for (let row = 0; row < n; row++) column[row] = (values ? values[index[row]!]! : index[row]!) + 1;
    return column;
  };
  const byUser = (values: Int32Array) => mapped(simulation.user, values);
  const byTarget = (values: Int32Array) => mapped(simulation.targetItem, values);
  const userIds = mapped(simulation.user);
  const sparse = [
    userIds,
    byUser(users.age),
    byUser(users.gender),
    byUser(users.city),
    byUser(users.activity),
    mapped(simulation.hour),
    mapped(simulation.device),
    mapped(simulation.targetItem),
    byTarget(items.category),
    byTarget(items.brand),
    byTarget(items.price),
    new Int32Array(n).fill(TARGET_AGE_ID),
  ];
  const sequences = simulation.sequences.map((sequence) => ({
    items: sequence.items,
    sideFields: sequence.sideFields,
    maxLength: args.sequenceLength,
  }));
  const meanSequenceLengths = Object.fromEntries(
    BEHAVIORS.map((behavior, b) => [behavior, simulation.meanLengths[b]!]),
  );
  return {
    schema,
    size: n,
    sparse,
    dense: [],
    sequences,
    labels: [labelModel.labels[0], labelModel.labels[1]],
    sampleMasks: [undefined, labelModel.conversionMask],
    groups: Int32Array.from(userIds),
    timestamps: simulation.timestamp,
    extras: oracleExtras(args, labelModel.terms, labelModel.biases),
    synthetic: {
      args,
      biases: labelModel.biases,
      fieldImportances: labelModel.fieldImportances,
      fieldImportanceNames: FIELD_EFFECT_ORDER,
      meanSequenceLengths,
    },
  };
}
