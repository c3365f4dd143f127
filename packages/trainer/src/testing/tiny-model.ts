/**
 * A small but real MultiTaskModel for the trainer's tests and benchmark (the real presets live in
 * @dtrn/model): one embedding table per sparse field kept in typed arrays with Adagrad row updates
 * (optional L2 on touched rows), a shared ReLU layer over the concatenated embeddings, optional
 * dropout, and one logistic tower per task.
 */
import { Rng } from '@dtrn/base';
import {
  createDenseVariables,
  type DenseParams,
  denseForward,
  type ModelState,
  type MultiTaskModel,
  type PreparedBatch,
  ShapeError,
} from '@dtrn/core';
import type { Batch } from '@dtrn/data';
import * as tf from '@tensorflow/tfjs-core';

export interface TinyModelArgs {
  readonly taskNames: readonly string[];
  /** Rows of each sparse field's table. */
  readonly vocabularySizes: readonly number[];
  readonly embeddingDim?: number;
  readonly hiddenUnits?: number;
  readonly seed?: number;
  readonly dropoutRate?: number;
  /** Adagrad step size of the embedding rows. */
  readonly embeddingLearningRate?: number;
  /** L2 on touched rows: g += 2 * l2 * w. */
  readonly embeddingL2?: number;
}

interface Table {
  readonly rows: number;
  readonly values: Float32Array;
  readonly accumulator: Float32Array;
}

type Dense = { kernel: tf.Variable; bias: tf.Variable };

export class TinyMultiTaskModel implements MultiTaskModel<Batch> {
  readonly taskNames: readonly string[];
  readonly variableGroups;
  readonly dim: number;
  private readonly tables: Table[];
  private readonly shared: Dense;
  private readonly towers: Dense[];
  private readonly dropoutRate: number;
  private readonly learningRate: number;
  private readonly l2: number;

  constructor(args: TinyModelArgs) {
    this.taskNames = [...args.taskNames];
    this.dim = args.embeddingDim ?? 4;
    const hidden = args.hiddenUnits ?? 8;
    const seed = args.seed ?? 0;
    this.dropoutRate = args.dropoutRate ?? 0;
    this.learningRate = args.embeddingLearningRate ?? 0.05;
    this.l2 = args.embeddingL2 ?? 0;
    const rng = new Rng(seed);
    this.tables = args.vocabularySizes.map((rows) => ({
      rows,
      values: Float32Array.from({ length: rows * this.dim }, () => rng.normal() * 0.1),
      accumulator: new Float32Array(rows * this.dim).fill(0.1),
    }));
    const make = (name: string, input: number, units: number) =>
      tf.tidy(() => createDenseVariables(name, input, units, { seed })) as unknown as Dense;
    this.shared = make('shared', args.vocabularySizes.length * this.dim, hidden);
    this.towers = this.taskNames.map((task) => make(`tower/${task}`, hidden, 1));
    this.variableGroups = {
      shared: [this.shared.kernel, this.shared.bias],
      perTask: this.towers.map((tower) => [tower.kernel, tower.bias]),
    };
  }

  prepare(batch: Batch): PreparedBatch {
    const dim = this.dim;
    const size = batch.size;
    const ids = batch.sparse.map((column) => column.slice());
    const sparseInputs = this.tables.map((table, field) => {
      const gathered = new Float32Array(size * dim);
      const column = ids[field]!;
      for (let i = 0; i < size; i++)
        gathered.set(table.values.subarray(column[i]! * dim, column[i]! * dim + dim), i * dim);
      return tf.tensor2d(gathered, [size, dim]); // [B, d]
    });
    return {
      size,
      sparseInputs,
      applySparseGradients: (gradients) => {
        gradients.forEach((gradient, field) => {
          if (gradient.shape[0] !== size || gradient.shape[1] !== dim) {
            throw new ShapeError('sparse gradient shape', {
              expected: `[${size}, ${dim}]`,
              found: gradient.shape,
            });
          }
          this.applyRows(this.tables[field]!, ids[field]!, gradient.dataSync() as Float32Array);
        });
      },
      dispose: () => tf.dispose(sparseInputs),
    };
  }

  private applyRows(table: Table, ids: Int32Array, gradient: Float32Array): void {
    const dim = this.dim;
    const sums = new Map<number, Float64Array>();
    ids.forEach((row, i) => {
      let sum = sums.get(row);
      if (!sum) {
        sum = new Float64Array(dim);
        sums.set(row, sum);
      }
      for (let j = 0; j < dim; j++) sum[j]! += gradient[i * dim + j]!;
    });
    for (const [row, sum] of sums) {
      for (let j = 0; j < dim; j++) {
        const k = row * dim + j;
        const g = sum[j]! + 2 * this.l2 * table.values[k]!;
        table.accumulator[k]! += g * g;
        table.values[k]! -= (this.learningRate * g) / Math.sqrt(table.accumulator[k]! + 1e-7);
      }
    }
  }

  forward(prepared: PreparedBatch, options: { training: boolean; seed?: number }): tf.Tensor[] {
    return tf.tidy(() => {
      const x = tf.concat([...prepared.sparseInputs], 1); // [B, F*d]
      let hidden = denseForward(x, this.shared as DenseParams, 'relu'); // [B, H]
      if (options.training && this.dropoutRate > 0)
        hidden = tf.dropout(hidden, this.dropoutRate, undefined, options.seed);
      return this.towers.map((tower) => denseForward(hidden, tower as DenseParams)); // K x [B, 1]
    });
  }

  parameterCount() {
    const dense = [...this.variableGroups.shared, ...this.variableGroups.perTask.flat()].reduce(
      (n, v) => n + v.size,
      0,
    );
    return { dense, embedding: this.tables.reduce((n, t) => n + t.values.length, 0) };
  }

  private named(): [string, tf.Variable][] {
    return [
      ['shared/kernel', this.shared.kernel],
      ['shared/bias', this.shared.bias],
      ...this.towers.flatMap((tower, k): [string, tf.Variable][] => [
        [`tower/${this.taskNames[k]}/kernel`, tower.kernel],
        [`tower/${this.taskNames[k]}/bias`, tower.bias],
      ]),
    ];
  }

  getState(): ModelState {
    const dense: Record<string, { shape: number[]; values: Float32Array }> = {};
    for (const [name, variable] of this.named())
      dense[name] = { shape: [...variable.shape], values: variable.dataSync().slice() as Float32Array };
    return {
      dense,
      sparse: {
        tables: this.tables.map((t) => ({
          rows: t.rows,
          values: t.values.slice(),
          accumulator: t.accumulator.slice(),
        })),
      },
    };
  }

  setState(state: ModelState): void {
    for (const [name, variable] of this.named()) {
      const entry = state.dense[name];
      if (!entry || entry.values.length !== variable.size)
        throw new ShapeError(`state of ${name}`, {
          expected: `${variable.size} values`,
          found: entry?.values.length,
        });
      tf.tidy(() => variable.assign(tf.tensor(entry.values, variable.shape)));
    }
    const tables = (state.sparse as { tables: { values: Float32Array; accumulator: Float32Array }[] }).tables;
    this.tables.forEach((table, index) => {
      table.values.set(tables[index]!.values);
      table.accumulator.set(tables[index]!.accumulator);
    });
  }

  dispose(): void {
    tf.dispose([...this.variableGroups.shared, ...this.variableGroups.perTask.flat()]);
  }
}
