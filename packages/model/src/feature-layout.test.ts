import { isConfigError } from '@dtrn/base';
import type { DatasetSchema } from '@dtrn/data';
import { describe, expect, it } from 'vitest';
import { planFeatures } from './feature-layout.js';
import { resolveModelArgs } from './model-args.js';
import { tinyData } from './testing/tiny.js';

const schema = tinyData(1, 200).schema;

describe('planFeatures', () => {
  it('composes elements from item and side sub-embeddings and leaves the group field out', () => {
    const layout = planFeatures(schema, resolveModelArgs({ embeddingDim: 40 }));
    expect(layout.elementParts.map((p) => [p.name, p.offset, p.width])).toEqual([
      ['item', 0, 8],
      ['category', 8, 8],
      ['brand', 16, 8],
      ['price', 24, 8],
      ['age', 32, 8],
    ]);
    expect(layout.excludedFields).toEqual(['user_id']);
    expect(layout.featureFieldNames).not.toContain('user_id');
    expect(layout.featureFieldNames.at(-1)).toBe('target_item');
    expect(layout.fieldNames.slice(-3)).toEqual(['click', 'cart', 'order']);
    expect(layout.tables.find((t) => t.name === 'item')).toEqual({ name: 'item', rows: 501, dim: 8 });
    expect(layout.tables.find((t) => t.name === 'user_city')?.dim).toBe(40);
  });

  it('embeds the group field only when asked, and checks excluded names', () => {
    const layout = planFeatures(schema, resolveModelArgs({ embeddingDim: 10, excludeFields: [] }));
    expect(layout.featureFieldNames[0]).toBe('user_id');
    expect(() => planFeatures(schema, resolveModelArgs({ excludeFields: ['user_cty'] }))).toThrow(
      'did you mean "user_city"',
    );
    expect(() => planFeatures(schema, resolveModelArgs({ excludeFields: ['target_brand'] }))).toThrow(
      "the target item's fields cannot be excluded",
    );
  });

  it('gives an id space used at another width its own table', () => {
    const extra: DatasetSchema = {
      ...schema,
      sparseFields: [...schema.sparseFields, { name: 'favourite_category', idSpace: 'category' }],
    };
    const layout = planFeatures(extra, resolveModelArgs({ embeddingDim: 10 }));
    expect(layout.tables.filter((t) => t.name.startsWith('category'))).toEqual([
      { name: 'category', rows: 21, dim: 2 },
      { name: 'category.w10', rows: 21, dim: 10 },
    ]);
  });

  it('refuses a side-field width that leaves no room for the item', () => {
    try {
      planFeatures(schema, resolveModelArgs({ embeddingDim: 10, sideFieldDim: 3 }));
      throw new Error('expected an error');
    } catch (error) {
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toContain('embeddingDim is too small for 4 side fields');
    }
  });
});
