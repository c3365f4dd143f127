/**
 * One multi-task model: sparse embeddings (EmbeddingBank), a bottom (baseline, DTRN or an
 * ablation) and any registered head, emitting one logit per task.
 */
import { ConfigError, deriveSeed } from '@dtrn/base';
import {
  type ApplyGradientsOptions,
  EmbeddingBank,
  type EmbeddingUpdate,
  type ForwardOptions,
  type ModelInspection,
  type ModelState,
  type PreparedBatch,
  ShapeError,
  type SharedEmbeddingBankHandle,
  type TrainingOutputs,
  type VariableGroups,
} from '@dtrn/core';
import type { Batch, DatasetSchema } from '@dtrn/data';
import { hypernetEncoderLayerNorms, hypernetworkHidden } from '@dtrn/hypernet-encoder';
import { type AnyMtlHeadDefinition, expertUtilisation, type MtlHeadBaseArgs } from '@dtrn/mtl-heads';
import * as tf from '@tensorflow/tfjs-core';
import {
  type BottomOutputs,
  type BottomParams,
  bottomForward,
  bottomParameterCount,
  bottomVariables,
  createBottomParams,
  type NamedVariable,
} from './bottom.js';
import { checkCandidateBatch, contextIgnoresTarget, scoreFactored } from './candidate-scoring.js';
import type { FeatureLayout } from './feature-layout.js';
import type { ResolvedModelArgs } from './model-args.js';
import type { ModelConfig, NetworkConfig } from './model-config.js';
import { type ModelPreparedBatch, prepareBatch } from './prepare-batch.js';
import type { EmbeddingTableAccess, ParameterBreakdown, RecommenderModel } from './recommender-model.js';
import { adoptSharedBank } from './shared-bank.js';
import { assignDenseState, checkDenseState, readDenseState } from './state.js';
import { prepareStemBatch, type StemPreparedBatch, stemDisplayName, taskLayout } from './stem-embeddings.js';

/** What `probeBottom` hands to its reader (all tensors freed after it returns). */
export interface BottomProbe extends BottomOutputs {
  /** The bottom kind: 'shared', 'dtrn', 'dtrn-no-tim' or 'dtrn-no-trm'. */
  readonly bottom: string;
  /**
   * The encoder's LayerNorm (gamma, beta), [K', M, 2 * numBlocks, d]: generated per (task, behavior)
   * by TIM's hypernetwork (K' = K), or the shared learned LayerNorm (K' = 1); null without encoder.
   */
  readonly layerNorms: { readonly gamma: tf.Tensor; readonly beta: tf.Tensor } | null;
  /** TIM's hypernetwork hidden layer (after relu) per pair, row k * M + m: [K * M, units]; else null. */
  readonly hypernetHidden: tf.Tensor | null;
}

interface DetailedOutputs {
  readonly logits: tf.Tensor[];
  readonly gates: ReturnType<AnyMtlHeadDefinition['forward']>['gates'];
  readonly fieldWeights: tf.Tensor[];
  /** Only with `withLoss`, from heads that have them. */
  readonly lossLogits?: tf.Tensor[];
  readonly auxiliaryLosses?: (tf.Scalar | null)[];
}

/** Mean over the batch axis of [B, N], as numbers. */
function meanRows(x: tf.Tensor): number[] {
  const mean = tf.mean(x, 0); // [N]
  const values = Array.from(mean.dataSync());
  mean.dispose();
  return values;
}

export class DtrnModel implements RecommenderModel {
  readonly taskNames: readonly string[];
  readonly variableGroups: VariableGroups;
  readonly fieldNames: readonly string[];
  readonly layout: FeatureLayout;
  /** Replaced (never mutated in place) by `shareEmbeddings` / `useSharedEmbeddings`. */
  private bank: EmbeddingBank | null;
  private readonly bottom: BottomParams;
  private readonly head: AnyMtlHeadDefinition;
  private readonly headArgs: MtlHeadBaseArgs;
  private readonly headParams: unknown;
  private readonly weights: NamedVariable[];
  private readonly prepared = new WeakMap<PreparedBatch, ModelPreparedBatch>();
  /** STEM: the shared layout then task k's (reading its own tables); empty for other bottoms. */
  private readonly stemLayouts: readonly FeatureLayout[];
  private disposed = false;

  readonly schema: DatasetSchema;
  readonly args: ResolvedModelArgs;
  readonly config: ModelConfig;

  /** Use `createModel`; this constructor builds from a resolved network config (nothing is resolved again). */
  constructor(config: NetworkConfig) {
    this.config = Object.freeze({
      schema: config.schema,
      args: config.args,
      networks: Object.freeze([config]),
    });
    this.schema = config.schema;
    this.args = config.args;
    this.taskNames = this.schema.tasks.map((task) => task.name);
    this.layout = config.layout;
    this.fieldNames = this.layout.fieldNames;
    this.bank = config.embeddings ? new EmbeddingBank(config.embeddings) : null;
    this.stemLayouts =
      config.args.bottom === 'stem'
        ? [this.layout, ...this.taskNames.map((_, k) => taskLayout(this.layout, k))]
        : [];
    this.head = config.head;
    this.headArgs = config.headArgs;
    const created: tf.Variable[] = [];
    try {
      this.bottom = createBottomParams(config);
      this.weights = bottomVariables(this.bottom);
      created.push(...this.weights.map((w) => w.variable));
      this.headParams = this.head.createParams(this.headArgs);
      const headVariables = this.head.variables(this.headParams);
      for (const [name, variable] of Object.entries(headVariables.shared)) {
        this.weights.push({ name: `head/${name}`, variable, owner: 'shared' });
      }
      headVariables.perTask.forEach((record, task) => {
        for (const [name, variable] of Object.entries(record)) {
          this.weights.push({ name: `head/${name}`, variable, owner: task });
        }
      });
    } catch (error) {
      tf.dispose(created);
      throw error;
    }
    this.variableGroups = {
      shared: this.weights.filter((w) => w.owner === 'shared').map((w) => w.variable),
      perTask: this.taskNames.map((_, task) =>
        this.weights.filter((w) => w.owner === task).map((w) => w.variable),
      ),
    };
  }

  prepare(batch: Batch, _options?: ForwardOptions): PreparedBatch {
    this.assertAlive('prepare');
    const options = { poolSequences: this.args.sequenceEncoder === 'mean-pool' };
    const prepared =
      this.stemLayouts.length > 0 && this.bank
        ? prepareStemBatch(this.bank, this.stemLayouts, batch, 'DtrnModel.prepare', options)
        : prepareBatch(this.bank, this.layout, batch, 'DtrnModel.prepare', options);
    this.prepared.set(prepared, prepared);
    return prepared;
  }

  forward(prepared: PreparedBatch, options: ForwardOptions): tf.Tensor[] {
    const outputs = this.forwardDetailed(prepared, options, false);
    tf.dispose(outputs.fieldWeights);
    return outputs.logits;
  }

  /** Per task: whether its loss runs on the entire space (the head's `entireSpaceTasks`, e.g. ESMM). */
  get entireSpaceTasks(): readonly boolean[] | undefined {
    return this.head.entireSpaceTasks?.(this.headArgs);
  }

  /** The head's loss logits and auxiliary terms (ESMM's pCTCVR logit, AITM's calibrator). */
  forwardForLoss(prepared: PreparedBatch, options: ForwardOptions): TrainingOutputs {
    const outputs = this.forwardDetailed(prepared, options, false, true);
    tf.dispose(outputs.fieldWeights);
    const lossLogits = outputs.lossLogits ?? outputs.logits;
    tf.dispose(outputs.logits.filter((logit) => !lossLogits.includes(logit))); // ESMM keeps pCTR's
    return { logits: lossLogits, auxiliaryLosses: outputs.auxiliaryLosses ?? lossLogits.map(() => null) };
  }

  /** Logits, gate weights (with `returnGates`) and TRM field weights; the caller disposes all. */
  forwardDetailed(
    prepared: PreparedBatch,
    options: ForwardOptions,
    returnGates: boolean,
    withLoss = false,
  ): DetailedOutputs {
    this.assertAlive('forward');
    const own = this.ownPrepared(prepared, 'forward');
    const seed = options.seed;
    return tf.tidy(() => {
      const taskInputs = (own as Partial<StemPreparedBatch>).taskInputs ?? [];
      const bottom = bottomForward(
        this.bottom,
        this.args,
        own.inputs,
        { training: options.training, seed },
        taskInputs,
      );
      const head = this.head.forward(
        this.headParams,
        { taskInputs: bottom.taskInputs, sharedInput: bottom.sharedInput },
        this.headArgs,
        {
          training: options.training,
          returnGates,
          withLoss,
          ...(seed === undefined ? {} : { seed: deriveSeed(seed, 'head') }),
        },
      );
      const { logits, gates, lossLogits, auxiliaryLosses } = head;
      return { logits, gates, lossLogits, auxiliaryLosses, fieldWeights: bottom.fieldWeights } as never;
    });
  }

  /**
   * Runs the bottom in inference mode and hands its outputs, plus the encoder's LayerNorm
   * parameters, to `read` inside one `tf.tidy`: `read` returns plain values (no tensors); every
   * tensor is freed when it returns. For analysis (`analyseBottom`), not for training.
   */
  probeBottom<T>(prepared: PreparedBatch, read: (probe: BottomProbe) => T): T {
    this.assertAlive('probeBottom');
    const own = this.ownPrepared(prepared, 'probeBottom');
    let result: T | undefined;
    tf.tidy(() => {
      const outputs = bottomForward(this.bottom, this.args, own.inputs, { training: false });
      const encoder = this.bottom.encoder;
      const layerNorms = encoder ? hypernetEncoderLayerNorms(encoder) : null;
      const hypernetHidden = encoder ? hypernetworkHidden(encoder) : null;
      result = read({ ...outputs, layerNorms, hypernetHidden, bottom: this.args.bottom });
    });
    return result as T;
  }

  inspect(prepared: PreparedBatch): ModelInspection {
    const outputs = this.forwardDetailed(prepared, { training: false }, true);
    try {
      const gates = expertUtilisation(outputs.gates).map((gate) => ({
        gate: gate.name,
        task: gate.task,
        expertWeights: gate.meanWeights,
      }));
      const fieldWeights = outputs.fieldWeights.map((weights, task) => ({
        task,
        fields: [...this.fieldNames],
        weights: meanRows(weights), // [N]
      }));
      return { gates, ...(fieldWeights.length > 0 ? { fieldWeights } : {}) };
    } finally {
      tf.dispose([...outputs.logits, ...outputs.gates.map((g) => g.weights), ...outputs.fieldWeights]);
    }
  }

  predict(batch: Batch): Float32Array[] {
    const prepared = this.prepare(batch, { training: false });
    try {
      const logits = this.forward(prepared, { training: false });
      return logits.map((logit) => {
        const probabilities = tf.tidy(() => tf.reshape(tf.sigmoid(logit), [-1])); // [B]
        const values = probabilities.dataSync() as Float32Array;
        tf.dispose([probabilities, logit]);
        return values;
      });
    } finally {
      prepared.dispose();
    }
  }

  scoreCandidates(batch: Batch): Float32Array[] {
    this.assertAlive('scoreCandidates');
    const where = 'DtrnModel.scoreCandidates';
    checkCandidateBatch(batch, this.layout, where);
    const forwardFactored = this.head.forwardFactored;
    if (!forwardFactored || !this.bank || !contextIgnoresTarget(this.args, this.layout)) {
      return this.predict(batch);
    }
    return scoreFactored(
      {
        bank: this.bank,
        layout: this.layout,
        args: this.args,
        bottom: this.bottom,
        headParams: this.headParams,
        headArgs: this.headArgs,
        forwardFactored,
      },
      batch,
      where,
    );
  }

  parameterBreakdown(): ParameterBreakdown {
    const bottom = bottomParameterCount(this.bottom, this.layout);
    const head = this.head.parameterCount(this.headArgs);
    return { bottom, head, dense: bottom + head, embedding: this.bank?.parameterCount ?? 0 };
  }

  parameterCount(): { readonly dense: number; readonly embedding: number } {
    const { dense, embedding } = this.parameterBreakdown();
    return { dense, embedding };
  }

  namedWeights(): readonly { readonly name: string; readonly variable: tf.Variable }[] {
    return this.weights.map(({ name, variable }) => ({ name, variable }));
  }

  embeddingTables(): readonly EmbeddingTableAccess[] {
    const bank = this.bank;
    if (!bank) return [];
    const tables = this.config.networks[0]!.embeddings?.tables ?? []; // with STEM: shared, then per task
    return tables.map((table) => ({
      name: this.stemLayouts.length > 0 ? stemDisplayName(table.name, this.taskNames) : table.name,
      rows: table.rows,
      dim: table.dim,
      read: () => bank.getWeights(table.name),
      write: (values: Float32Array) => bank.setWeights(table.name, values),
    }));
  }

  getState(): ModelState {
    this.assertAlive('getState');
    return { dense: readDenseState(this.weights), sparse: this.bank ? this.bank.getState() : null };
  }

  setState(state: ModelState): void {
    this.assertAlive('setState');
    if (!state || typeof state !== 'object') {
      throw new ShapeError('DtrnModel.setState: invalid state', {
        expected: '{ dense, sparse }',
        found: state,
      });
    }
    checkDenseState(this.weights, state.dense, 'DtrnModel.setState');
    if (this.bank) this.bank.setState(state.sparse as ReturnType<EmbeddingBank['getState']>);
    assignDenseState(this.weights, state.dense);
  }

  /**
   * The handle of this model's embeddings on shared memory (null without embedding tables). A bank
   * not created on shared memory is first moved there: its initialised rows, slots and step are
   * copied once into a new shared bank that replaces it.
   */
  shareEmbeddings(): SharedEmbeddingBankHandle | null {
    this.assertAlive('shareEmbeddings');
    if (!this.bank) return null;
    if (!this.bank.isShared) this.bank = this.bank.toShared();
    return this.bank.shareHandle();
  }

  /** Uses the embeddings of `handle` (from `shareEmbeddings()` of a model with the same config). */
  useSharedEmbeddings(handle: unknown): void {
    this.assertAlive('useSharedEmbeddings');
    this.bank = adoptSharedBank(this.bank, handle, 'DtrnModel.useSharedEmbeddings');
  }

  /** One sparse optimizer step from `updates` (optionally one shard of the rows). */
  applyRowUpdates(updates: readonly EmbeddingUpdate[], options?: ApplyGradientsOptions): void {
    this.assertAlive('applyRowUpdates');
    if (updates.length === 0) return;
    if (!this.bank) {
      throw new ConfigError('DtrnModel.applyRowUpdates: the model has no embedding tables', {
        expected: 'no updates',
        found: `${updates.length} updates`,
      });
    }
    this.bank.applyGradients(updates, options);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose(this.weights.map((w) => w.variable));
  }

  private ownPrepared(prepared: PreparedBatch, method: string): ModelPreparedBatch {
    const own = this.prepared.get(prepared);
    if (!own) {
      throw new ConfigError(`DtrnModel.${method}: the prepared batch was not made by this model`, {
        expected: "the result of this model's prepare(batch)",
      });
    }
    return own;
  }

  private assertAlive(method: string): void {
    if (this.disposed) {
      throw new ConfigError(`DtrnModel.${method}: the model was disposed`, { expected: 'a live model' });
    }
  }
}
