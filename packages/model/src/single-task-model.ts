/**
 * K independent single-task models (each with its own embeddings, bottom and a head with
 * numTasks 1) wrapped as one multi-task model: the reference for negative transfer. Every variable
 * belongs to exactly one task, so `variableGroups.shared` is empty.
 */
import { ConfigError } from '@dtrn/base';
import type {
  ApplyGradientsOptions,
  EmbeddingUpdate,
  ForwardOptions,
  ModelInspection,
  ModelState,
  PreparedBatch,
  VariableGroups,
} from '@dtrn/core';
import type { Batch, DatasetSchema } from '@dtrn/data';
import type * as tf from '@tensorflow/tfjs-core';
import { DtrnModel } from './dtrn-model.js';
import type { ResolvedModelArgs } from './model-args.js';
import type { ModelConfig } from './model-config.js';
import type { EmbeddingTableAccess, ParameterBreakdown, RecommenderModel } from './recommender-model.js';

interface CombinedPrepared extends PreparedBatch {
  readonly parts: readonly PreparedBatch[];
}

export class SingleTaskModels implements RecommenderModel {
  readonly taskNames: readonly string[];
  readonly variableGroups: VariableGroups;
  readonly fieldNames: readonly string[];
  /** One model per task, in task order. */
  readonly models: readonly DtrnModel[];
  private readonly prepared = new WeakMap<PreparedBatch, CombinedPrepared>();

  readonly schema: DatasetSchema;
  readonly args: ResolvedModelArgs;

  /** Use `createModel`; `config.networks[k]` is task k's network (nothing is resolved again). */
  constructor(readonly config: ModelConfig) {
    this.schema = config.schema;
    this.args = config.args;
    this.taskNames = this.schema.tasks.map((task) => task.name);
    const models: DtrnModel[] = [];
    try {
      for (const network of config.networks) models.push(new DtrnModel(network));
    } catch (error) {
      for (const model of models) model.dispose();
      throw error;
    }
    this.models = models;
    this.fieldNames = models[0]!.fieldNames;
    this.variableGroups = {
      shared: [],
      perTask: models.map((model) => [
        ...model.variableGroups.shared,
        ...model.variableGroups.perTask.flat(),
      ]),
    };
  }

  prepare(batch: Batch, options: ForwardOptions): PreparedBatch {
    const parts: PreparedBatch[] = [];
    try {
      for (const model of this.models) parts.push(model.prepare(batch, options));
    } catch (error) {
      for (const part of parts) part.dispose();
      throw error;
    }
    const counts = parts.map((part) => part.sparseInputs.length);
    const taskNames = this.taskNames;
    const combined: CombinedPrepared = {
      size: batch.size,
      parts,
      sparseInputs: parts.flatMap((part) => part.sparseInputs),
      applySparseGradients(gradients: readonly tf.Tensor[]): void {
        let offset = 0;
        parts.forEach((part, k) => {
          part.applySparseGradients(gradients.slice(offset, offset + counts[k]!));
          offset += counts[k]!;
        });
      },
      rowUpdates(gradients: readonly tf.Tensor[]): EmbeddingUpdate[] {
        let offset = 0;
        return parts.flatMap((part, k) => {
          const updates = part.rowUpdates!(gradients.slice(offset, offset + counts[k]!));
          offset += counts[k]!;
          return updates.map((update) => ({ ...update, table: `${taskNames[k]}/${update.table}` }));
        });
      },
      dispose(): void {
        for (const part of parts) part.dispose();
      },
    };
    this.prepared.set(combined, combined);
    return combined;
  }

  private own(prepared: PreparedBatch): CombinedPrepared {
    const own = this.prepared.get(prepared);
    if (!own) {
      throw new ConfigError('SingleTaskModels.forward: the prepared batch was not made by this model', {
        expected: "the result of this model's prepare(batch)",
      });
    }
    return own;
  }

  forward(prepared: PreparedBatch, options: ForwardOptions): tf.Tensor[] {
    const own = this.own(prepared);
    return this.models.map((model, k) => model.forward(own.parts[k]!, options)[0]!);
  }

  inspect(prepared: PreparedBatch): ModelInspection {
    const own = this.own(prepared);
    const gates = this.models.flatMap((model, k) =>
      (model.inspect(own.parts[k]!).gates ?? []).map((gate) => ({
        ...gate,
        gate: `${this.taskNames[k]}/${gate.gate}`,
        task: k,
      })),
    );
    return { gates };
  }

  predict(batch: Batch): Float32Array[] {
    return this.models.map((model) => model.predict(batch)[0]!);
  }

  scoreCandidates(batch: Batch): Float32Array[] {
    return this.models.map((model) => model.scoreCandidates(batch)[0]!);
  }

  parameterBreakdown(): ParameterBreakdown {
    const sum = (key: keyof ParameterBreakdown) =>
      this.models.reduce((total, model) => total + model.parameterBreakdown()[key], 0);
    return { bottom: sum('bottom'), head: sum('head'), dense: sum('dense'), embedding: sum('embedding') };
  }

  parameterCount(): { readonly dense: number; readonly embedding: number } {
    const { dense, embedding } = this.parameterBreakdown();
    return { dense, embedding };
  }

  namedWeights(): readonly { readonly name: string; readonly variable: tf.Variable }[] {
    return this.models.flatMap((model, k) =>
      model
        .namedWeights()
        .map(({ name, variable }) => ({ name: `task/${this.taskNames[k]}/${name}`, variable })),
    );
  }

  embeddingTables(): readonly EmbeddingTableAccess[] {
    return this.models.flatMap((model, k) =>
      model.embeddingTables().map((table) => ({ ...table, name: `${this.taskNames[k]}/${table.name}` })),
    );
  }

  getState(): ModelState {
    const dense: Record<string, ModelState['dense'][string]> = {};
    const sparse: unknown[] = [];
    this.models.forEach((model, k) => {
      const state = model.getState();
      for (const [name, entry] of Object.entries(state.dense))
        dense[`task/${this.taskNames[k]}/${name}`] = entry;
      sparse.push(state.sparse);
    });
    return { dense, sparse: { tasks: sparse } };
  }

  setState(state: ModelState): void {
    const tasks = (state?.sparse as { tasks?: unknown[] } | undefined)?.tasks;
    if (!Array.isArray(tasks) || tasks.length !== this.models.length) {
      throw new ConfigError('SingleTaskModels.setState: state.sparse.tasks does not fit', {
        expected: `an array of ${this.models.length} task states`,
        found: tasks,
      });
    }
    const states = this.models.map((_, k) => {
      const prefix = `task/${this.taskNames[k]}/`;
      const dense: Record<string, ModelState['dense'][string]> = {};
      for (const [name, entry] of Object.entries(state.dense))
        if (name.startsWith(prefix)) dense[name.slice(prefix.length)] = entry;
      return { dense, sparse: tasks[k] };
    });
    const known = states.reduce((n, s) => n + Object.keys(s.dense).length, 0);
    if (known !== Object.keys(state.dense).length) {
      throw new ConfigError('SingleTaskModels.setState: state.dense has weights of no task', {
        expected: `names starting with task/<${this.taskNames.join('|')}>/`,
        found: Object.keys(state.dense).length - known,
      });
    }
    for (const [k, model] of this.models.entries()) model.setState(states[k]!);
  }

  /** One handle per task model: `{ tasks: [...] }`. */
  shareEmbeddings(): { readonly tasks: readonly unknown[] } {
    return { tasks: this.models.map((model) => model.shareEmbeddings()) };
  }

  useSharedEmbeddings(handle: unknown): void {
    const tasks = (handle as { tasks?: unknown } | null)?.tasks;
    if (!Array.isArray(tasks) || tasks.length !== this.models.length) {
      throw new ConfigError('SingleTaskModels.useSharedEmbeddings: the handle does not fit', {
        expected: `{ tasks } with ${this.models.length} task handles`,
        found: Array.isArray(tasks) ? `${tasks.length} task handles` : handle,
      });
    }
    this.models.forEach((model, k) => {
      model.useSharedEmbeddings(tasks[k]);
    });
  }

  /**
   * Updates name tables `<task>/<table>` (as the prepared batch's `rowUpdates` returns them); each
   * task model takes one step from its own updates.
   */
  applyRowUpdates(updates: readonly EmbeddingUpdate[], options?: ApplyGradientsOptions): void {
    const perTask: EmbeddingUpdate[][] = this.models.map(() => []);
    updates.forEach((update, u) => {
      const cut = update.table.lastIndexOf('/');
      const task = cut < 0 ? -1 : this.taskNames.indexOf(update.table.slice(0, cut));
      if (task < 0) {
        throw new ConfigError(`SingleTaskModels.applyRowUpdates: update ${u} names no task's table`, {
          expected: `<${this.taskNames.join('|')}>/<table>`,
          found: update.table,
        });
      }
      perTask[task]!.push({ ...update, table: update.table.slice(cut + 1) });
    });
    this.models.forEach((model, k) => {
      model.applyRowUpdates(perTask[k]!, options);
    });
  }

  dispose(): void {
    for (const model of this.models) model.dispose();
  }
}
