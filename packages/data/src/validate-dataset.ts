/**
 * Full consistency check of an in-memory dataset against its schema: column counts, types and
 * lengths (ShapeError), and values (DataError naming the column and row): ids within their id
 * space's rows, labels in {0, 1}, finite dense values and timestamps, left-padded sequences whose
 * side fields are 0 exactly where items are 0, sample masks equal to those the labels imply,
 * conditional-task labels 0 outside their sample space, and groups equal to the group field.
 */
import { DataError, ShapeError } from '@dtrn/base';
import { summarizeSchema } from './schema-summary.js';
import type { InMemoryDataset } from './types.js';

type ArrayKind = typeof Int32Array | typeof Float32Array | typeof Float64Array;

function checkColumn(value: unknown, kind: ArrayKind, length: number, path: string): void {
  if (!(value instanceof kind)) {
    throw new ShapeError(`dataset column ${path} has the wrong type`, { expected: kind.name, found: value });
  }
  if (value.length !== length) {
    throw new ShapeError(`dataset column ${path} has the wrong length`, {
      expected: `${length}`,
      found: value.length,
    });
  }
}

function checkCount(found: number, expected: number, path: string): void {
  if (found !== expected) {
    throw new ShapeError(`dataset has the wrong number of ${path} columns`, {
      expected: `${expected} (from the schema)`,
      found,
    });
  }
}

/** Ids in [0, rows); `width` ids per row, the first of `column` in row `firstRow`. */
function checkIds(column: Int32Array, rows: number, path: string, width: number, firstRow = 0): void {
  for (let i = 0; i < column.length; i++) {
    const id = column[i]!;
    if (id < 0 || id >= rows) {
      throw new DataError(`id out of range in ${path}`, {
        where: { field: path, index: firstRow + Math.floor(i / width) },
        expected: `an integer in [0, ${rows})`,
        found: id,
      });
    }
  }
}

function checkFinite(column: Float32Array | Float64Array, path: string): void {
  for (let row = 0; row < column.length; row++) {
    if (!Number.isFinite(column[row]!)) {
      throw new DataError(`non-finite value in ${path}`, {
        where: { field: path, index: row },
        expected: 'a finite number',
        found: column[row],
      });
    }
  }
}

/** Throws ShapeError/DataError on the first inconsistency; returns the dataset otherwise. */
export function validateDataset<T extends InMemoryDataset>(dataset: T): T {
  const { schema, size } = dataset;
  if (!Number.isInteger(size) || size < 0) {
    throw new ShapeError('dataset size is invalid', { expected: 'an integer >= 0', found: size });
  }
  const summary = summarizeSchema(schema);
  checkCount(dataset.sparse.length, schema.sparseFields.length, 'sparse');
  schema.sparseFields.forEach((field, i) => {
    const path = `sparse/${field.name}`;
    checkColumn(dataset.sparse[i], Int32Array, size, path);
    checkIds(dataset.sparse[i]!, summary.idSpaceRows[field.idSpace]!, path, 1);
  });
  checkCount(dataset.dense.length, schema.denseFields.length, 'dense');
  schema.denseFields.forEach((field, i) => {
    checkColumn(dataset.dense[i], Float32Array, size, `dense/${field.name}`);
    checkFinite(dataset.dense[i]!, `dense/${field.name}`);
  });
  checkSequences(dataset, summary.idSpaceRows);
  checkLabels(dataset, summary.sampleSpaceParents);
  if (summary.groupFieldIndex >= 0) {
    const groups = dataset.groups;
    checkColumn(groups, Int32Array, size, 'groups');
    const field = dataset.sparse[summary.groupFieldIndex]!;
    for (let row = 0; row < size; row++) {
      if (groups![row] !== field[row]) {
        throw new DataError(`groups differ from the group field "${schema.groupField}"`, {
          where: { field: 'groups', index: row },
          expected: `${field[row]}`,
          found: groups![row],
        });
      }
    }
  } else if (dataset.groups !== undefined) {
    throw new ShapeError('dataset has groups but its schema has no groupField', { found: 'groups' });
  }
  if (dataset.timestamps !== undefined) {
    checkColumn(dataset.timestamps, Float64Array, size, 'timestamps');
    checkFinite(dataset.timestamps, 'timestamps');
  }
  for (const [name, column] of Object.entries(dataset.extras ?? {})) {
    checkColumn(column, Float32Array, size, `extra/${name}`);
  }
  return dataset;
}

function checkSequences(dataset: InMemoryDataset, idSpaceRows: Readonly<Record<string, number>>): void {
  const { schema, size } = dataset;
  const spec = schema.sequences;
  checkCount(dataset.sequences.length, spec?.behaviors.length ?? 0, 'sequence');
  if (!spec) return;
  const itemRows = idSpaceRows[spec.itemIdSpace]!;
  spec.behaviors.forEach((behavior, m) => {
    const sequence = dataset.sequences[m]!;
    const length = behavior.maxLength;
    const prefix = `sequence/${behavior.name}`;
    if (sequence.maxLength !== length) {
      throw new ShapeError(`${prefix}: maxLength differs from the schema`, {
        expected: `${length}`,
        found: sequence.maxLength,
      });
    }
    checkColumn(sequence.items, Int32Array, size * length, `${prefix}/item`);
    checkSequenceItems(sequence.items, itemRows, length, `${prefix}/item`);
    checkCount(sequence.sideFields.length, spec.sideFields.length, `${prefix} side`);
    spec.sideFields.forEach((side, s) => {
      const path = `${prefix}/side/${side.name}`;
      const column = sequence.sideFields[s]!;
      checkColumn(column, Int32Array, size * length, path);
      checkSideField(column, sequence.items, idSpaceRows[side.idSpace]!, length, path);
    });
  });
}

/** Item ids in range and left padding (zeros only before the first item), in one pass. */
function checkSequenceItems(items: Int32Array, rows: number, length: number, path: string): void {
  for (let position = 0; position < items.length; position += length) {
    let started = false;
    for (let p = position; p < position + length; p++) {
      const id = items[p]!;
      if (id !== 0) {
        started = true;
        if (id < 0 || id >= rows) checkIds(items.subarray(p, p + 1), rows, path, 1, position / length);
      } else if (started) {
        throw new DataError(`${path}: padding after an item (padding must come first)`, {
          where: { field: path, index: position / length },
          expected: `zeros only before the first item (position ${p - position})`,
          found: 0,
        });
      }
    }
  }
}

/** Side ids in range, and 0 exactly where the item is padding, in one pass. */
function checkSideField(
  column: Int32Array,
  items: Int32Array,
  rows: number,
  length: number,
  path: string,
): void {
  for (let position = 0; position < column.length; position++) {
    const id = column[position]!;
    if (id < 0 || id >= rows)
      checkIds(column.subarray(position, position + 1), rows, path, 1, Math.floor(position / length));
    if ((id === 0) !== (items[position] === 0)) {
      throw new DataError(`${path}: side value must be 0 exactly where the item is padding`, {
        where: { field: path, index: Math.floor(position / length) },
        expected: items[position] === 0 ? '0 (item is padding)' : 'a non-zero id (item is present)',
        found: id,
      });
    }
  }
}

function checkLabels(dataset: InMemoryDataset, parents: readonly number[]): void {
  const { schema, size } = dataset;
  checkCount(dataset.labels.length, schema.tasks.length, 'label');
  checkCount(dataset.sampleMasks.length, schema.tasks.length, 'sample mask');
  schema.tasks.forEach((task, k) => {
    const path = `label/${task.name}`;
    checkColumn(dataset.labels[k], Float32Array, size, path);
    const labels = dataset.labels[k]!;
    for (let row = 0; row < size; row++) {
      if (labels[row] !== 0 && labels[row] !== 1) {
        throw new DataError(`label outside {0, 1} in ${path}`, {
          where: { field: path, index: row },
          expected: '0 or 1',
          found: labels[row],
        });
      }
    }
    const parent = parents[k]!;
    const mask = dataset.sampleMasks[k];
    if (parent < 0) {
      if (mask !== undefined) {
        throw new ShapeError(
          `mask/${task.name}: task "${task.name}" is defined on all rows and has no mask`,
          {
            found: 'a mask column',
          },
        );
      }
      return;
    }
    checkColumn(mask, Float32Array, size, `mask/${task.name}`);
    const parentLabels = dataset.labels[parent]!;
    const parentName = schema.tasks[parent]!.name;
    for (let row = 0; row < size; row++) {
      const expected = parentLabels[row] === 1 ? 1 : 0;
      if (mask![row] !== expected) {
        throw new DataError(
          `mask/${task.name} differs from label/${parentName} (recompute it with sampleMasksFor)`,
          {
            where: { field: `mask/${task.name}`, index: row },
            expected: `${expected}`,
            found: mask![row],
          },
        );
      }
      if (expected === 0 && labels[row] !== 0) {
        throw new DataError(`${path}: positive outside its sample space (${parentName} is 0 on this row)`, {
          where: { field: path, index: row },
          expected: '0',
          found: labels[row],
        });
      }
    }
  });
}
