/**
 * Appends loader rows into growable columns in the `InMemoryDataset` layout of `types.ts`, and cuts
 * them into datasets (all rows, or batches of a fixed size while streaming). A loader fills the
 * staging `row` and calls `commit()`; memory is the committed rows only.
 */
import type { DatasetSchema, InMemoryDataset, SequenceColumns } from '@dtrn/data';

export interface StagedRow {
  /** Per sparse field, the mapped id. */
  readonly sparse: Int32Array;
  /** Per dense field, the value. */
  readonly dense: Float32Array;
  /** Per behavior, [L] mapped items, padding first, newest at L - 1. */
  readonly sequenceItems: readonly Int32Array[];
  /** Per behavior, per side field, [L] mapped side ids aligned with the items. */
  readonly sequenceSides: readonly (readonly Int32Array[])[];
  /** Per task, the label (0 or 1). */
  readonly labels: Float32Array;
  /** Per extra column, the value. */
  readonly extras: Float32Array;
  timestamp: number;
}

class Growable<T extends Int32Array | Float32Array | Float64Array> {
  data: T;
  constructor(
    private readonly make: (length: number) => T,
    private readonly width: number,
  ) {
    this.data = make(64 * width);
  }
  ensure(rows: number): void {
    if (rows * this.width <= this.data.length) return;
    const next = this.make(Math.max(rows * this.width, this.data.length * 2));
    next.set(this.data as never);
    this.data = next;
  }
  /** Copies out the first `rows` rows and starts empty again. */
  take(rows: number): T {
    const out = this.data.slice(0, rows * this.width) as T;
    this.data = this.make(64 * this.width);
    return out;
  }
}

const int32 = (length: number) => new Int32Array(length);
const float32 = (length: number) => new Float32Array(length);

/** Writes the last `count` of `values` right-aligned into `target` (zeros before). */
export function fillRightAligned(target: Int32Array, values: ArrayLike<number>, count: number): void {
  const length = target.length;
  const used = Math.min(count, length);
  target.fill(0, 0, length - used);
  for (let k = 0; k < used; k++) target[length - used + k] = values[count - used + k]!;
}

export class DatasetBuilder {
  readonly row: StagedRow;
  private rows = 0;
  private readonly sparse: Growable<Int32Array>[];
  private readonly dense: Growable<Float32Array>[];
  private readonly items: Growable<Int32Array>[];
  private readonly sides: Growable<Int32Array>[][];
  private readonly labels: Growable<Float32Array>[];
  private readonly extras: Growable<Float32Array>[];
  private readonly timestamps: Growable<Float64Array> | undefined;

  constructor(
    readonly schema: DatasetSchema,
    private readonly options: { readonly timestamps: boolean; readonly extras: readonly string[] },
  ) {
    const behaviors = schema.sequences?.behaviors ?? [];
    const sideCount = schema.sequences?.sideFields.length ?? 0;
    this.row = {
      sparse: new Int32Array(schema.sparseFields.length),
      dense: new Float32Array(schema.denseFields.length),
      sequenceItems: behaviors.map((behavior) => new Int32Array(behavior.maxLength)),
      sequenceSides: behaviors.map((behavior) =>
        Array.from({ length: sideCount }, () => new Int32Array(behavior.maxLength)),
      ),
      labels: new Float32Array(schema.tasks.length),
      extras: new Float32Array(options.extras.length),
      timestamp: 0,
    };
    this.sparse = schema.sparseFields.map(() => new Growable(int32, 1));
    this.dense = schema.denseFields.map(() => new Growable(float32, 1));
    this.items = behaviors.map((behavior) => new Growable(int32, behavior.maxLength));
    this.sides = behaviors.map((behavior) =>
      Array.from({ length: sideCount }, () => new Growable(int32, behavior.maxLength)),
    );
    this.labels = schema.tasks.map(() => new Growable(float32, 1));
    this.extras = options.extras.map(() => new Growable(float32, 1));
    this.timestamps = options.timestamps ? new Growable((length) => new Float64Array(length), 1) : undefined;
  }

  get size(): number {
    return this.rows;
  }

  /** Appends the staged row. */
  commit(): void {
    const row = this.rows;
    const next = row + 1;
    const { sparse, dense, sequenceItems, sequenceSides, labels, extras } = this.row;
    for (let f = 0; f < this.sparse.length; f++) {
      const column = this.sparse[f]!;
      column.ensure(next);
      column.data[row] = sparse[f]!;
    }
    for (let f = 0; f < this.dense.length; f++) {
      const column = this.dense[f]!;
      column.ensure(next);
      column.data[row] = dense[f]!;
    }
    for (let m = 0; m < this.items.length; m++) {
      const column = this.items[m]!;
      const values = sequenceItems[m]!;
      column.ensure(next);
      column.data.set(values, row * values.length);
      const sides = this.sides[m]!;
      for (let s = 0; s < sides.length; s++) {
        const side = sides[s]!;
        side.ensure(next);
        side.data.set(sequenceSides[m]![s]!, row * values.length);
      }
    }
    for (let k = 0; k < this.labels.length; k++) {
      const column = this.labels[k]!;
      column.ensure(next);
      column.data[row] = labels[k]!;
    }
    for (let e = 0; e < this.extras.length; e++) {
      const column = this.extras[e]!;
      column.ensure(next);
      column.data[row] = extras[e]!;
    }
    if (this.timestamps) {
      this.timestamps.ensure(next);
      this.timestamps.data[row] = this.row.timestamp;
    }
    this.rows = next;
  }

  /** Returns the committed rows as a dataset and starts empty again. */
  take(): InMemoryDataset {
    const size = this.rows;
    const schema = this.schema;
    const sparse = this.sparse.map((column) => column.take(size));
    const labels = this.labels.map((column) => column.take(size));
    const sequences: SequenceColumns[] = this.items.map((column, m) => ({
      items: column.take(size),
      sideFields: this.sides[m]!.map((side) => side.take(size)),
      maxLength: schema.sequences!.behaviors[m]!.maxLength,
    }));
    const taskIndex = new Map(schema.tasks.map((task, k) => [task.name, k]));
    const sampleMasks = schema.tasks.map((task) => {
      const space = task.sampleSpace;
      if (space === undefined || space === 'all') return undefined;
      const parent = labels[taskIndex.get(space.positiveOf)!]!;
      const mask = new Float32Array(size);
      for (let i = 0; i < size; i++) mask[i] = parent[i] === 1 ? 1 : 0;
      return mask;
    });
    const groupIndex =
      schema.groupField === undefined
        ? -1
        : schema.sparseFields.findIndex((field) => field.name === schema.groupField);
    const extras: Record<string, Float32Array> = {};
    this.options.extras.forEach((name, e) => {
      extras[name] = this.extras[e]!.take(size);
    });
    this.rows = 0;
    return {
      schema,
      size,
      sparse,
      dense: this.dense.map((column) => column.take(size)),
      sequences,
      labels,
      sampleMasks,
      ...(groupIndex >= 0 ? { groups: sparse[groupIndex]! } : {}),
      ...(this.timestamps ? { timestamps: this.timestamps.take(size) } : {}),
      ...(this.options.extras.length > 0 ? { extras } : {}),
    };
  }
}
