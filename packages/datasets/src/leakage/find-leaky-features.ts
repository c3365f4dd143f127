/**
 * Leakage check: flags features whose value determines a task's label on the data (the classic
 * pipeline bug where a feature is derived from the label and every model reaches AUC 1.0).
 *
 * For each (sparse or dense field, task), on the rows of the task's sample space:
 * - a value is *supported* when at least `minSupport` rows have it, and *pure* when all of them
 *   share one label;
 * - the field *determines the label* when every supported value is pure, at least
 *   `minDistinctValues` supported values exist, both labels occur among them, and supported rows
 *   cover at least `minCoverage` of the rows (so an id unique per row is not flagged by itself);
 * - `outOfFoldAuc` measures how predictive the field is without memorising: rows are split by
 *   parity, each half is scored by its value's label mean in the other half (the overall mean for
 *   values unseen there), and the AUC of those scores is taken. Dense fields also get the AUC of the raw
 *   value (`rawAuc`, folded to >= 0.5 since the direction is unknown).
 */
import { assertKnownKeys, assertPlainObject, optionalNumber } from '@dtrn/base';
import { type InMemoryDataset, summarizeSchema } from '@dtrn/data';
import { aucOrUndefined } from '@dtrn/metrics';

export interface LeakageArgs {
  /** Check only the first `maxRows` rows. Integer >= 1, default 1,000,000. */
  readonly maxRows?: number;
  /** Rows a value needs to count as evidence. Integer >= 2, default 2. */
  readonly minSupport?: number;
  /** Supported values needed before a field can be flagged. Integer >= 2, default 2. */
  readonly minDistinctValues?: number;
  /** Share of rows whose value must be supported. In (0, 1], default 0.5. */
  readonly minCoverage?: number;
}

export const DEFAULT_LEAKAGE_ARGS = Object.freeze({
  maxRows: 1_000_000,
  minSupport: 2,
  minDistinctValues: 2,
  minCoverage: 0.5,
});

export interface LeakageFinding {
  readonly field: string;
  readonly kind: 'sparse' | 'dense';
  readonly task: string;
  /** Rows checked: the task's sample space within the first maxRows rows. */
  readonly rows: number;
  readonly distinctValues: number;
  /** Values seen at least minSupport times. */
  readonly supportedValues: number;
  /** Supported values whose rows carry both labels. */
  readonly impureValues: number;
  /** Share of rows whose value is supported. */
  readonly coverage: number;
  /** True when the field's value determines the label (see the module doc). */
  readonly determinesLabel: boolean;
  /** AUC of the cross-fitted per-value label mean; undefined with a single label class. */
  readonly outOfFoldAuc: number | undefined;
  /** Dense fields only: AUC of the raw value, folded to >= 0.5. */
  readonly rawAuc?: number | undefined;
}

export interface LeakageReport {
  readonly rowsChecked: number;
  /** One finding per (field, task), fields in schema order (sparse then dense), tasks inside. */
  readonly findings: readonly LeakageFinding[];
  /** The findings with `determinesLabel`. */
  readonly leaky: readonly LeakageFinding[];
}

/**
 * Per distinct value: row count and positives, overall and in each half ([even rows, odd rows], for
 * the cross-fitted score). Ids (small non-negative integers) are counted in typed arrays indexed
 * by value; other values (dense fields) in a Map from value to slot.
 */
interface ValueCounts {
  /** Slot of each checked row's value (in row-list order). */
  readonly slotOfRow: Int32Array;
  /** Per slot: [count, positives, even count, even positives, odd count, odd positives]. */
  readonly counts: Int32Array;
  readonly slots: number;
}

const COUNTS_PER_SLOT = 6;

function slotsOf(values: ArrayLike<number>, rows: Int32Array): { slotOfRow: Int32Array; slots: number } {
  const slotOfRow = new Int32Array(rows.length);
  let maxId = -1;
  let ids = values instanceof Int32Array;
  for (let i = 0; ids && i < rows.length; i++) {
    const value = values[rows[i]!]!;
    if (value < 0) ids = false;
    else if (value > maxId) maxId = value;
  }
  if (ids && maxId < 4 * rows.length + 1024) {
    // Dense id range: the value is its own slot.
    for (let i = 0; i < rows.length; i++) slotOfRow[i] = values[rows[i]!]!;
    return { slotOfRow, slots: maxId + 1 };
  }
  const slotOf = new Map<number, number>();
  for (let i = 0; i < rows.length; i++) {
    const value = values[rows[i]!]!;
    let slot = slotOf.get(value);
    if (slot === undefined) {
      slot = slotOf.size;
      slotOf.set(value, slot);
    }
    slotOfRow[i] = slot;
  }
  return { slotOfRow, slots: slotOf.size };
}

function countValues(values: ArrayLike<number>, labels: Float32Array, rows: Int32Array): ValueCounts {
  const { slotOfRow, slots } = slotsOf(values, rows);
  const counts = new Int32Array(slots * COUNTS_PER_SLOT);
  for (let i = 0; i < rows.length; i++) {
    const base = slotOfRow[i]! * COUNTS_PER_SLOT;
    const positive = labels[rows[i]!] === 1 ? 1 : 0;
    const half = 2 + 2 * (i & 1);
    counts[base]!++;
    counts[base + 1]! += positive;
    counts[base + half]!++;
    counts[base + half + 1]! += positive;
  }
  return { slotOfRow, counts, slots };
}

function analyse(
  values: ArrayLike<number>,
  labels: Float32Array,
  rows: Int32Array,
  args: Required<LeakageArgs>,
): Omit<LeakageFinding, 'field' | 'kind' | 'task'> {
  const { slotOfRow, counts, slots } = countValues(values, labels, rows);
  let distinctValues = 0;
  let supportedValues = 0;
  let impureValues = 0;
  let supportedRows = 0;
  let supportedPositive = false;
  let supportedNegative = false;
  let positivesTotal = 0;
  for (let slot = 0; slot < slots; slot++) {
    const count = counts[slot * COUNTS_PER_SLOT]!;
    const positives = counts[slot * COUNTS_PER_SLOT + 1]!;
    positivesTotal += positives;
    if (count === 0) continue;
    distinctValues++;
    if (count < args.minSupport) continue;
    supportedValues++;
    supportedRows += count;
    if (positives > 0) supportedPositive = true;
    if (positives < count) supportedNegative = true;
    if (positives > 0 && positives < count) impureValues++;
  }
  const coverage = rows.length > 0 ? supportedRows / rows.length : 0;
  const determinesLabel =
    impureValues === 0 &&
    supportedValues >= args.minDistinctValues &&
    supportedPositive &&
    supportedNegative &&
    coverage >= args.minCoverage;

  // Values unseen in the other half score the overall label mean (one constant, so they tie).
  const prior = rows.length > 0 ? positivesTotal / rows.length : 0;
  const scores = new Float64Array(rows.length);
  const rowLabels = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const other = slotOfRow[i]! * COUNTS_PER_SLOT + 2 + 2 * (1 - (i & 1));
    const otherCount = counts[other]!;
    scores[i] = otherCount > 0 ? counts[other + 1]! / otherCount : prior;
    rowLabels[i] = labels[rows[i]!]!;
  }
  return {
    rows: rows.length,
    distinctValues,
    supportedValues,
    impureValues,
    coverage,
    determinesLabel,
    outOfFoldAuc: aucOrUndefined(rowLabels, scores),
  };
}

/** Checks every sparse and dense field against every task; see the module doc for the criteria. */
export function findLeakyFeatures(dataset: InMemoryDataset, rawArgs: LeakageArgs = {}): LeakageReport {
  const where = 'LeakageArgs';
  assertPlainObject(rawArgs, where);
  assertKnownKeys(rawArgs, ['maxRows', 'minSupport', 'minDistinctValues', 'minCoverage'], where);
  const object = rawArgs;
  const args: Required<LeakageArgs> = {
    maxRows: optionalNumber(
      object.maxRows,
      DEFAULT_LEAKAGE_ARGS.maxRows,
      { integer: true, min: 1 },
      `${where}.maxRows`,
    ),
    minSupport: optionalNumber(
      object.minSupport,
      DEFAULT_LEAKAGE_ARGS.minSupport,
      { integer: true, min: 2 },
      `${where}.minSupport`,
    ),
    minDistinctValues: optionalNumber(
      object.minDistinctValues,
      DEFAULT_LEAKAGE_ARGS.minDistinctValues,
      { integer: true, min: 2 },
      `${where}.minDistinctValues`,
    ),
    minCoverage: optionalNumber(
      object.minCoverage,
      DEFAULT_LEAKAGE_ARGS.minCoverage,
      { above: 0, max: 1 },
      `${where}.minCoverage`,
    ),
  };
  const { schema } = dataset;
  const rowsChecked = Math.min(dataset.size, args.maxRows);
  const parents = summarizeSchema(schema).sampleSpaceParents;
  const rowsOfTask = schema.tasks.map((_, k) => {
    const parent = parents[k]!;
    if (parent < 0) return Int32Array.from({ length: rowsChecked }, (_, i) => i);
    const parentLabels = dataset.labels[parent]!;
    const rows: number[] = [];
    for (let row = 0; row < rowsChecked; row++) if (parentLabels[row] === 1) rows.push(row);
    return Int32Array.from(rows);
  });

  const findings: LeakageFinding[] = [];
  const check = (field: string, kind: 'sparse' | 'dense', values: Int32Array | Float32Array) => {
    schema.tasks.forEach((task, k) => {
      const rows = rowsOfTask[k]!;
      const labels = dataset.labels[k]!;
      const finding: LeakageFinding = {
        field,
        kind,
        task: task.name,
        ...analyse(values, labels, rows, args),
      };
      if (kind === 'dense') {
        const raw = aucOrUndefined(
          Float32Array.from(rows, (row) => labels[row]!),
          Float64Array.from(rows, (row) => values[row]!),
        );
        findings.push({ ...finding, rawAuc: raw === undefined ? undefined : Math.max(raw, 1 - raw) });
      } else findings.push(finding);
    });
  };
  for (const [i, field] of schema.sparseFields.entries()) check(field.name, 'sparse', dataset.sparse[i]!);
  for (const [i, field] of schema.denseFields.entries()) check(field.name, 'dense', dataset.dense[i]!);
  return { rowsChecked, findings, leaky: findings.filter((finding) => finding.determinesLabel) };
}

/** A short human summary of a leakage report, one line per leaky (field, task). */
export function formatLeakageReport(report: LeakageReport): string {
  if (report.leaky.length === 0) {
    return `leakage check: no feature determines a label (${report.rowsChecked} rows, ${report.findings.length} field/task pairs)`;
  }
  const lines = report.leaky.map((finding) => {
    const auc = finding.outOfFoldAuc === undefined ? 'n/a' : finding.outOfFoldAuc.toFixed(4);
    return `  ${finding.kind} field "${finding.field}" determines task "${finding.task}": ${finding.supportedValues} values, coverage ${(finding.coverage * 100).toFixed(1)}%, out-of-fold AUC ${auc}`;
  });
  return [
    `leakage check: ${report.leaky.length} leaky field/task pair(s) in ${report.rowsChecked} rows`,
    ...lines,
  ].join('\n');
}
