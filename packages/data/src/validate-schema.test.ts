import { ConfigError, isConfigError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { summarizeSchema } from './schema-summary.js';
import { rawTinySchema } from './testing/index.js';
import { validateSchema } from './validate-schema.js';

type Raw = Record<string, unknown> & {
  idSpaces: Record<string, unknown>[];
  sparseFields: Record<string, unknown>[];
  sequences: Record<string, unknown>;
  tasks: Record<string, unknown>[];
};

function mutated(change: (raw: Raw) => void): unknown {
  const raw = rawTinySchema() as Raw;
  change(raw);
  return raw;
}

function errorOf(raw: unknown): string {
  try {
    validateSchema(raw);
  } catch (error) {
    expect(isConfigError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected validateSchema to throw');
}

describe('validateSchema', () => {
  it('returns a complete frozen schema with defaults filled', () => {
    const raw = rawTinySchema();
    delete raw.denseFields;
    const schema = validateSchema(raw);
    expect(schema.denseFields).toEqual([]);
    expect(schema.tasks[0]!.sampleSpace).toBe('all');
    expect(schema.tasks[1]!.sampleSpace).toEqual({ positiveOf: 'click' });
    expect(schema.idSpaces[1]).toEqual({ name: 'item', size: 20, oov: 'hash', hashBuckets: 4 });
    expect(Object.isFrozen(schema)).toBe(true);
    expect(Object.isFrozen(schema.sequences!.behaviors[0])).toBe(true);
    expect(validateSchema(JSON.parse(JSON.stringify(schema)))).toEqual(schema);
  });

  it('rejects unknown keys naming the closest valid key', () => {
    expect(errorOf(mutated((raw) => Object.assign(raw, { taks: [] })))).toBe(
      'schema: unknown key "taks"; did you mean "tasks"? (valid keys: idSpaces, sparseFields, denseFields, sequences, tasks, groupField)',
    );
    expect(errorOf(mutated((raw) => Object.assign(raw.idSpaces[0]!, { hashBucket: 3 })))).toContain(
      'schema.idSpaces[0]: unknown key "hashBucket"; did you mean "hashBuckets"?',
    );
    expect(errorOf(mutated((raw) => Object.assign(raw.sequences, { maxLength: 3 })))).toContain(
      'schema.sequences: unknown key "maxLength"',
    );
  });

  it('rejects bad id spaces', () => {
    expect(errorOf(mutated((raw) => Object.assign(raw.idSpaces[0]!, { size: 1 })))).toBe(
      'schema.idSpaces[0].size is invalid (expected an integer >= 2 and <= 2147483647, found 1)',
    );
    expect(errorOf(mutated((raw) => Object.assign(raw.idSpaces[0]!, { hashBuckets: 2 })))).toContain(
      'schema.idSpaces[0].hashBuckets is only allowed with oov "hash"',
    );
    expect(errorOf(mutated((raw) => delete raw.idSpaces[1]!.hashBuckets))).toContain(
      'schema.idSpaces[1]: missing required key "hashBuckets"',
    );
    expect(errorOf(mutated((raw) => Object.assign(raw.idSpaces[1]!, { hashBuckets: 20 })))).toContain(
      'schema.idSpaces[1].hashBuckets is invalid (expected an integer >= 1 and <= 19, found 20)',
    );
    expect(errorOf(mutated((raw) => Object.assign(raw.idSpaces[0]!, { oov: 'reserve' })))).toContain(
      'schema.idSpaces[0].oov is invalid; did you mean "reserved"?',
    );
    expect(errorOf(mutated((raw) => Object.assign(raw.idSpaces[2]!, { name: 'user' })))).toBe(
      'schema.idSpaces[2]: duplicate id space name "user" (already used by schema.idSpaces[0])',
    );
  });

  it('rejects duplicate and dangling field names', () => {
    expect(errorOf(mutated((raw) => Object.assign(raw, { denseFields: [{ name: 'user_id' }] })))).toBe(
      'schema.denseFields[0]: duplicate field name "user_id" (already used by schema.sparseFields[0])',
    );
    expect(errorOf(mutated((raw) => Object.assign(raw.sparseFields[0]!, { idSpace: 'users' })))).toBe(
      'schema.sparseFields[0].idSpace: unknown id space; did you mean "user"? (expected one of "user", "item", "category", found "users")',
    );
    expect(errorOf(mutated((raw) => Object.assign(raw.sparseFields[0]!, { name: 'a/b' })))).toContain(
      'schema.sparseFields[0].name is invalid',
    );
    expect(errorOf(mutated((raw) => Object.assign(raw, { groupField: 'userid' })))).toContain(
      'schema.groupField: unknown sparse field; did you mean "user_id"?',
    );
    expect(errorOf({ idSpaces: [], sparseFields: [], tasks: [{ name: 'click' }] })).toContain(
      'schema: the schema declares no features',
    );
  });

  it('rejects inconsistent sequences', () => {
    expect(errorOf(mutated((raw) => Object.assign(raw.sequences, { targetField: 'user_id' })))).toBe(
      'schema.sequences.targetField "user_id" is not in the item id space (expected a sparse field with idSpace "item", found "idSpace \\"user\\"")',
    );
    expect(
      errorOf(mutated((raw) => Object.assign(raw.sequences, { targetSideFields: ['user_id'] }))),
    ).toContain(
      'schema.sequences.targetSideFields[0] "user_id" does not share the id space of side field "category"',
    );
    expect(errorOf(mutated((raw) => Object.assign(raw.sequences, { targetSideFields: [] })))).toContain(
      'schema.sequences.targetSideFields must align with sideFields',
    );
    expect(errorOf(mutated((raw) => Object.assign(raw.sequences, { itemIdSpace: 'items' })))).toContain(
      'schema.sequences.itemIdSpace: unknown id space; did you mean "item"?',
    );
    expect(
      errorOf(
        mutated((raw) => Object.assign(raw.sequences, { behaviors: [{ name: 'clicks', maxLength: 0 }] })),
      ),
    ).toContain('schema.sequences.behaviors[0].maxLength is invalid');
    expect(
      errorOf(
        mutated((raw) =>
          Object.assign(raw.sequences, {
            behaviors: [
              { name: 'clicks', maxLength: 2 },
              { name: 'clicks', maxLength: 3 },
            ],
          }),
        ),
      ),
    ).toContain('duplicate behavior name "clicks"');
  });

  it('requires sample spaces to name an earlier task (no self references, no cycles)', () => {
    expect(
      errorOf(mutated((raw) => Object.assign(raw.tasks[1]!, { sampleSpace: { positiveOf: 'conversion' } }))),
    ).toContain('schema.tasks[1].sampleSpace.positiveOf names the task itself');
    expect(
      errorOf(
        mutated((raw) => {
          raw.tasks = [
            { name: 'click', sampleSpace: { positiveOf: 'conversion' } },
            { name: 'conversion', sampleSpace: { positiveOf: 'click' } },
          ];
        }),
      ),
    ).toContain('schema.tasks[0].sampleSpace.positiveOf (must name an earlier task): unknown task');
    expect(errorOf(mutated((raw) => Object.assign(raw.tasks[1]!, { sampleSpace: 'clicks' })))).toContain(
      'schema.tasks[1].sampleSpace is invalid',
    );
    expect(
      errorOf(mutated((raw) => Object.assign(raw.tasks[1]!, { name: 'click', sampleSpace: 'all' }))),
    ).toContain('duplicate task name "click"');
    expect(errorOf(mutated((raw) => Object.assign(raw, { tasks: [] })))).toContain('schema.tasks is invalid');
  });

  it('rejects non-objects', () => {
    expect(() => validateSchema(null)).toThrow(ConfigError);
    expect(() => validateSchema([])).toThrow('schema must be an object');
  });
});

describe('summarizeSchema', () => {
  const summary = summarizeSchema(validateSchema(rawTinySchema()));

  it('indexes fields, tasks and id spaces', () => {
    expect(summary.idSpaceRows).toEqual({ user: 10, item: 20, category: 6 });
    expect(summary.sparseFieldIdSpaces).toEqual([0, 1, 2]);
    expect(summary.itemIdSpace).toBe(1);
    expect(summary.sideFieldIdSpaces).toEqual([2]);
    expect(summary.targetFieldIndex).toBe(1);
    expect(summary.targetSideFieldIndices).toEqual([2]);
    expect(summary.groupFieldIndex).toBe(0);
    expect(summary.sampleSpaceParents).toEqual([-1, 0]);
    expect(summary.sparseFieldIndex('item_category')).toBe(2);
    expect(summary.denseFieldIndex('price')).toBe(0);
    expect(summary.behaviorIndex('carts')).toBe(1);
    expect(summary.taskIndex('conversion')).toBe(1);
    expect(summary.idSpaceOf('clicks').name).toBe('item');
    expect(summary.idSpaceOf('category').size).toBe(6);
    expect(summary.idSpaceOf('user_id').oov).toBe('reserved');
  });

  it('names the closest field for unknown names', () => {
    expect(() => summary.sparseFieldIndex('user_ids')).toThrow(
      'schema: unknown sparse field; did you mean "user_id"?',
    );
    expect(() => summary.taskIndex('clik')).toThrow('did you mean "click"?');
  });
});
