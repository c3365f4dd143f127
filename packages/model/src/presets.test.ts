/** Every preset builds from the tiny synthetic schema: shapes, variable groups, parameter counts, leaks. */
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import { sliceRows } from '@dtrn/data';
import { hypernetEncoderParameterCount, resolveHypernetEncoderArgs } from '@dtrn/hypernet-encoder';
import { getHead } from '@dtrn/mtl-heads';
import { resolveSenetRefinerArgs, senetRefinerParameterCount } from '@dtrn/senet-refiner';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { planFeatures } from './feature-layout.js';
import { resolveModelArgs } from './model-args.js';
import { plannedParameterCount } from './model-size.js';
import { MODEL_PRESET_NAMES, MODEL_PRESETS, type ModelPresetName } from './presets.js';
import type { RecommenderModel } from './recommender-model.js';
import { tinyCascadeData, tinyModel, tinyPreset } from './testing/tiny.js';

// Conversion observed on clicks: every preset builds on it, the cascade heads (ESMM, AITM) need it.
const data = tinyCascadeData(3, 200);
const batch = sliceRows(data, 0, 6);
const K = 2;

/** The parameter count from the blocks' closed forms, independent of the model's own sums. */
function closedFormDense(name: ModelPresetName): number {
  const args = resolveModelArgs(tinyPreset(name));
  const layout = planFeatures(data.schema, args);
  const N = layout.fieldNames.length;
  const d = args.embeddingDim;
  const tasks = args.singleTask ? 1 : K;
  const conditioned = args.bottom === 'dtrn' || args.bottom === 'dtrn-no-trm';
  const encoder = hypernetEncoderParameterCount(
    resolveHypernetEncoderArgs({
      ...args.encoder,
      numTasks: conditioned ? tasks : 1,
      numBehaviors: 3,
      embeddingDim: d,
      maxSequenceLength: 8,
      unconditioned: !conditioned,
    }),
  );
  const refiner =
    args.bottom === 'dtrn' || args.bottom === 'dtrn-no-tim'
      ? senetRefinerParameterCount(
          resolveSenetRefinerArgs({ numTasks: tasks, numFields: N, embeddingDim: d }),
        )
      : 0;
  const head = getHead(args.head);
  const headCount = head.parameterCount(
    // STEM's head reads [shared | task's] embeddings: 2·N·d
    head.resolveArgs({
      ...args.headArgs,
      ...(head.usesCascade ? { cascade: [0, 1] } : {}),
      numTasks: tasks,
      inputDim: (args.bottom === 'stem' ? 2 : 1) * N * d,
    }),
  );
  return (encoder + refiner + headCount) * (args.singleTask ? K : 1);
}

function allVariables(model: RecommenderModel): tf.Variable[] {
  return [...model.variableGroups.shared, ...model.variableGroups.perTask.flat()];
}

describe.each(MODEL_PRESET_NAMES)('preset %s', (name) => {
  it('emits K logits [B, 1] and probabilities in (0, 1)', () => {
    const model = tinyModel(name, data);
    try {
      expect(model.taskNames).toEqual(['click', 'conversion']);
      const prepared = model.prepare(batch, { training: false });
      const logits = model.forward(prepared, { training: false });
      expect(logits.map((l) => l.shape)).toEqual([
        [6, 1],
        [6, 1],
      ]);
      for (const l of logits) expect(Array.from(l.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose(logits);
      prepared.dispose();
      const probabilities = model.predict(batch);
      expect(probabilities).toHaveLength(2);
      for (const p of probabilities) {
        expect(p).toBeInstanceOf(Float32Array);
        expect(p.length).toBe(6);
        expect(Array.from(p).every((v) => v > 0 && v < 1)).toBe(true);
      }
    } finally {
      model.dispose();
    }
  });

  it('partitions every trainable variable exactly once and counts parameters in closed form', () => {
    const model = tinyModel(name, data);
    try {
      const listed = allVariables(model);
      expect(new Set(listed).size).toBe(listed.length);
      const named = model.namedWeights().map((w) => w.variable);
      expect(new Set(listed)).toEqual(new Set(named));
      expect(new Set(model.namedWeights().map((w) => w.name)).size).toBe(named.length);
      expect(model.variableGroups.perTask).toHaveLength(K);
      for (const v of listed) expect(v.dtype).toBe('float32');
      const sizes = listed.reduce((n, v) => n + v.size, 0);
      const counts = model.parameterCount();
      expect(counts.dense).toBe(sizes);
      expect(counts.dense).toBe(closedFormDense(name));
      const tables = model.embeddingTables().reduce((n, t) => n + t.rows * t.dim, 0);
      expect(counts.embedding).toBe(tables);
      // What loadModel checks before building: the same counts from the config alone.
      expect(plannedParameterCount(data.schema, tinyPreset(name))).toEqual(counts);
      if (name === 'single-task') expect(model.variableGroups.shared).toHaveLength(0);
      else {
        // A cascade head's first step owns no head weight (the conversion loss reaches all of them).
        const preset = MODEL_PRESETS[name];
        const firstOwnsNone = getHead(preset.head!).usesCascade === true && preset.bottom === 'shared';
        const owning = model.variableGroups.perTask.map((list) => list.length > 0);
        expect(owning).toEqual([!firstOwnsNone, true]);
      }
    } finally {
      model.dispose();
    }
  });

  it('leaks no tensors through build, prepare, forward, predict, inspect and dispose', async () => {
    await expectNoLeakedTensors(
      () => {
        const model = tinyModel(name, data);
        const prepared = model.prepare(batch, { training: true, seed: 3 });
        tf.dispose(model.forward(prepared, { training: true, seed: 3 }));
        model.inspect(prepared);
        prepared.dispose();
        model.predict(batch);
        model.dispose();
      },
      { label: name },
    );
  });
});

describe('inspect', () => {
  it('reports gate utilisation and TRM field weights with field names', () => {
    const model = tinyModel('dtrn-mmoe', data);
    const prepared = model.prepare(batch, { training: false });
    const report = model.inspect(prepared);
    prepared.dispose();
    model.dispose();
    expect(report.gates?.map((g) => [g.gate, g.task])).toEqual([
      ['gate/0', 0],
      ['gate/1', 1],
    ]);
    for (const gate of report.gates!) expect(gate.expertWeights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(report.fieldWeights).toHaveLength(2);
    const first = report.fieldWeights![0]!;
    expect(first.fields).toEqual([
      ...planFeatures(data.schema, resolveModelArgs(tinyPreset('dtrn-mmoe'))).fieldNames,
    ]);
    // A fresh refiner starts uniform: every weight is 1.
    for (const w of first.weights) expect(w).toBeCloseTo(1, 5);
  });

  it('has no field weights without TRM', () => {
    const model = tinyModel('ple', data);
    const prepared = model.prepare(batch, { training: false });
    const report = model.inspect(prepared);
    prepared.dispose();
    model.dispose();
    expect(report.fieldWeights).toBeUndefined();
    expect(report.gates?.map((g) => g.gate)).toEqual(['level/0/task/0', 'level/0/task/1']);
  });
});

describe('DTRN without TIM on each head', () => {
  it.each([
    ['dtrn-shared-bottom-no-tim', 'shared-bottom'],
    ['dtrn-mmoe-no-tim', 'mmoe'],
    ['dtrn-ple-no-tim', 'ple'],
  ] as const)('%s is TRM over the %s head with that head and sizes', (name, base) => {
    expect(MODEL_PRESETS[name]).toEqual({ ...MODEL_PRESETS[base], bottom: 'dtrn-no-tim' });
    // TRM re-weights the fields per task: one field-weight row per task, starting uniform.
    const model = tinyModel(name, data);
    const prepared = model.prepare(batch, { training: false });
    const report = model.inspect(prepared);
    prepared.dispose();
    model.dispose();
    expect(report.fieldWeights?.map((weights) => weights.task)).toEqual([0, 1]);
    for (const weights of report.fieldWeights!) {
      for (const w of weights.weights) expect(w).toBeCloseTo(1, 5);
    }
  });
});
