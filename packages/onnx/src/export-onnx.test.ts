/** What the export writes (graph structure, metadata, vocabularies) and what it refuses. */
import { type DatasetSchema, fnv1a32, VocabularyBuilder } from '@dtrn/data';
import { createModel, modelPreset } from '@dtrn/model';
import { mmoeHead, registerHead, unregisterHead } from '@dtrn/mtl-heads';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { encodeModel, MAX_MODEL_BYTES } from './encode-model.js';
import { exportOnnx, ONNX_LIBRARY_VERSION } from './export-onnx.js';
import { GraphBuilder } from './graph-builder.js';
import { MIXED_SCHEMA, SMALL, SMALL_HEADS, syntheticTestRows } from './testing/parity.js';

const STANDARD_OPS = new Set([
  'Add',
  'Cast',
  'Concat',
  'ConstantOfShape',
  'Div',
  'Elu',
  'Equal',
  'Gather',
  'Greater',
  'Identity',
  'LayerNormalization',
  'MatMul',
  'Max',
  'Mul',
  'Not',
  'Pow',
  'ReduceMean',
  'ReduceSum',
  'Relu',
  'Reshape',
  'Shape',
  'Sigmoid',
  'Softmax',
  'Split',
  'Sub',
  'Sum',
  'Tanh',
  'Transpose',
  'Unsqueeze',
]);

describe('the exported graph', () => {
  const schema = syntheticTestRows(4).schema;

  it('is opset 17 with standard ops, tables as initializers and TIM norms as constants', () => {
    const model = createModel(schema, modelPreset('dtrn-ple', { ...SMALL, headArgs: SMALL_HEADS.ple! }));
    try {
      const decoded = onnxProto.onnx.ModelProto.decode(exportOnnx(model).bytes);
      expect(Number(decoded.irVersion)).toBe(8);
      expect(decoded.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
      expect(decoded.producerVersion).toBe(packageJson.version);
      const graph = decoded.graph!;
      for (const node of graph.node!) expect(STANDARD_OPS.has(node.opType!), node.opType!).toBe(true);
      const names = graph.initializer!.map((t) => t.name);
      expect(names).toEqual(
        expect.arrayContaining(['embedding/item', 'embedding/category', 'head/tower/0/0/kernel']),
      );
      expect(names.some((name) => name!.startsWith('encoder/hypernet/'))).toBe(false);
      expect(names.filter((name) => name!.startsWith('derived/tim/')).length).toBe(2 * 3 * 2 * 2); // K x M x norms x (gamma, beta)
      expect(graph.output!.map((o) => o.name)).toEqual(['click', 'conversion']);
    } finally {
      model.dispose();
    }
  });

  it('describes inputs (schema order, group field left out), outputs and id spaces', () => {
    const model = createModel(schema, modelPreset('mmoe', { ...SMALL, headArgs: SMALL_HEADS.mmoe! }));
    try {
      const { metadata } = exportOnnx(model);
      expect(metadata.inputs.map((input) => input.name)).toEqual([
        'user_age',
        'user_gender',
        'user_city',
        'user_activity',
        'context_hour',
        'context_device',
        'target_item',
        'target_category',
        'target_brand',
        'target_price',
        'target_age',
        'click/item',
        'click/category',
        'click/brand',
        'click/price',
        'click/age',
        'cart/item',
        'cart/category',
        'cart/brand',
        'cart/price',
        'cart/age',
        'order/item',
        'order/category',
        'order/brand',
        'order/price',
        'order/age',
      ]);
      expect(metadata.inputs[11]).toEqual({
        name: 'click/item',
        kind: 'sequence',
        dtype: 'int64',
        shape: ['batch', 8],
        field: 'item',
        idSpace: 'item',
        behavior: 'click',
      });
      expect(metadata.excludedFields).toEqual(['user_id']);
      expect(metadata.outputs).toEqual([
        { name: 'click', task: 'click', dtype: 'float32', shape: ['batch'] },
        { name: 'conversion', task: 'conversion', dtype: 'float32', shape: ['batch'] },
      ]);
      expect(metadata.idSpaces.map((s) => s.name)).toEqual([
        'item',
        'category',
        'brand',
        'price',
        'age',
        'user_age',
        'user_gender',
        'user_city',
        'user_activity',
        'context_hour',
        'context_device',
      ]);
      expect(metadata.idSpaces.every((s) => s.vocabulary === null)).toBe(true);
      expect(metadata.producer).toBe(`@dtrn/onnx ${ONNX_LIBRARY_VERSION}`);
      expect(ONNX_LIBRARY_VERSION).toBe(packageJson.version);
    } finally {
      model.dispose();
    }
  });

  it('carries vocabularies whose documented rule maps raw ids exactly as Vocabulary.lookup', () => {
    const shops = new VocabularyBuilder('shop');
    for (const id of ['a', 'b', 'b', 'c', 'c', 'c', 'd', 'e', 'f', 'g']) shops.add(id);
    const shop = shops.build({ oov: 'hash', hashBuckets: 4, minFrequency: 1 });
    const cities = new VocabularyBuilder('city');
    for (const id of [10, 11, 12, 12, 13]) cities.add(id);
    const city = cities.build({ oov: 'reserved', minFrequency: 1 });
    const schema: DatasetSchema = {
      ...MIXED_SCHEMA,
      idSpaces: MIXED_SCHEMA.idSpaces.map((s) =>
        s.name === 'shop' ? shop.toIdSpaceSpec() : s.name === 'city' ? city.toIdSpaceSpec() : s,
      ),
    };
    const model = createModel(schema, { embeddingDim: 6, bottom: 'shared', head: 'mmoe' });
    try {
      const { metadata } = exportOnnx(model, { vocabularies: { shop, city: city.toJSON() } });
      const mapRow = (space: string, raw: string) => {
        const entry = metadata.idSpaces.find((s) => s.name === space)!;
        const index = entry.vocabulary!.ids.indexOf(raw);
        if (index >= 0) return entry.vocabulary!.firstKnownRow + index;
        if (entry.oov === 'reserved') return 1;
        return (
          entry.vocabulary!.firstKnownRow + entry.vocabulary!.ids.length + (fnv1a32(raw) % entry.hashBuckets!)
        );
      };
      for (const raw of ['a', 'c', 'g', 'zz', 'unseen-shop', 'ü'])
        expect(mapRow('shop', raw)).toBe(shop.lookup(raw));
      for (const raw of ['10', '12', '99']) expect(mapRow('city', raw)).toBe(city.lookup(raw));
      expect(metadata.idSpaces.find((s) => s.name === 'item')!.vocabulary).toBeNull();
      expect(metadata.idMapping).toMatch(/FNV-1a 32-bit/);
    } finally {
      model.dispose();
    }
  });
});

describe('refusals', () => {
  const schema = syntheticTestRows(4).schema;

  it('a head registered by a user', () => {
    registerHead({ ...mmoeHead, name: 'custom-mixture' });
    const model = createModel(schema, {
      ...SMALL,
      bottom: 'shared',
      head: 'custom-mixture',
      headArgs: SMALL_HEADS.mmoe!,
    });
    try {
      expect(() => exportOnnx(model)).toThrow(/head "custom-mixture" has no ONNX form/);
    } finally {
      model.dispose();
      unregisterHead('custom-mixture');
    }
  });

  it('objects that are not dtrn models, and disposed models', () => {
    expect(() => exportOnnx({ taskNames: [] } as never)).toThrow(/only models built by @dtrn\/model/);
    const model = createModel(schema, modelPreset('mmoe', SMALL));
    model.dispose();
    expect(() => exportOnnx(model)).toThrow(/the model was disposed/);
  });

  it('vocabularies that do not fit the schema', () => {
    const model = createModel(schema, modelPreset('mmoe', SMALL));
    try {
      const builder = new VocabularyBuilder('item');
      builder.add('x');
      const item = builder.build({ oov: 'error', minFrequency: 1 });
      expect(() => exportOnnx(model, { vocabularies: { item } })).toThrow(
        /vocabulary of "item" does not match/,
      );
      expect(() => exportOnnx(model, { vocabularies: { nope: item } })).toThrow(/names no id space/);
      expect(() => exportOnnx(model, { vocabularies: { item: { format: 'x' } as never } })).toThrow(
        /vocabulary/,
      );
    } finally {
      model.dispose();
    }
  });

  it('a task named like an input (outputs are named after tasks)', () => {
    const clash = { ...schema, tasks: [{ name: 'user_city' }, { name: 'conversion' }] };
    const model = createModel(clash, modelPreset('mmoe', SMALL));
    try {
      expect(() => exportOnnx(model)).toThrow(/task "user_city" and an input would both be named/);
    } finally {
      model.dispose();
    }
  });

  it('more weights than one protobuf message holds', () => {
    const graph = new GraphBuilder();
    graph.initializerBytes = MAX_MODEL_BYTES + 1;
    expect(() =>
      encodeModel(graph, { graphName: 'g', producerVersion: '0', docString: '', metadata: {} }),
    ).toThrow(/too large for one ONNX file/);
  });
});
