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

interface ValueStats {
  count: number;
  positives: number;
  /** [even rows, odd rows] counts and positives, for the cross-fitted score. */
  halfCount: [number, number];
  halfPositives: [number, number];
}

function analyse(
  values: ArrayLike<number>,
  labels: Float32Array,
  rows: Int32Array,
  args: Required<LeakageArgs>,
): Omit<LeakageFinding, 'field' | 'kind' | 'task'> {
  const stats = new Map<number, ValueStats>();
  const halfPositives: [number, number] = [0, 0];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const value = values[row]!;
    let entry = stats.get(value);
    if (!entry) {
      entry = { count: 0, positives: 0, halfCount: [0, 0], halfPositives: [0, 0] };
      stats.set(value, entry);
    }
    const positive = labels[row] === 1 ? 1 : 0;
    const half = (i & 1) as 0 | 1;
    entry.count++;
    entry.positives += positive;
    entry.halfCount[half]++;
    entry.halfPositives[half] += positive;
    halfPositives[half] += positive;
  }
  let supportedValues = 0;
  let impureValues = 0;
  let supportedRows = 0;
  let supportedPositive = false;
  let supportedNegative = false;
  for (const entry of stats.values()) {
    if (entry.count < args.minSupport) continue;
    supportedValues++;
    supportedRows += entry.count;
    if (entry.positives > 0) supportedPositive = true;
    if (entry.positives < entry.count) supportedNegative = true;
    if (entry.positives > 0 && entry.positives < entry.count) impureValues++;
  }
  const coverage = rows.length > 0 ? supportedRows / rows.length : 0;
  const determinesLabel =
    impureValues === 0 &&
    supportedValues >= args.minDistinctValues &&
    supportedPositive &&
    supportedNegative &&
    coverage >= args.minCoverage;

  // Values unseen in the other half score the overall label mean (one constant, so they tie).
  const prior = rows.length > 0 ? (halfPositives[0]! + halfPositives[1]!) / rows.length : 0;
  const scores = new Float64Array(rows.length);
  const rowLabels = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const other = (1 - (i & 1)) as 0 | 1;
    const entry = stats.get(values[row]!)!;
    scores[i] = entry.halfCount[other] > 0 ? entry.halfPositives[other] / entry.halfCount[other] : prior;
    rowLabels[i] = labels[row]!;
  }
  return {
    rows: rows.length,
    distinctValues: stats.size,
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
