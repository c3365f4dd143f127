/**
 * A worker's row-update region (shared-embeddings mode): the embedding-row updates of its share of
 * a step (`PreparedBatch.rowUpdates`), written into a SharedArrayBuffer the worker owns, so every
 * other worker can read them without copies. Updates keep their gradient layout (`gradientRows`,
 * stride, offset), and a gradient array several updates share (e.g. one `[B, F, d]` input gradient
 * read by F fields) is written once. Layout, in 32-bit words:
 *
 *   [U, A, N, R, G]                 updates, gradient arrays, ids, gradient rows, gradient floats
 *   A x [length]                    per gradient array
 *   U x [nameLength, idCount, array, hasRows, stride (0: default), offset]
 *   table names as UTF-16 code units (sum of nameLength words)
 *   N ids (int32), R gradient rows (int32), then G gradient floats (the arrays in order)
 *
 * The worker grows its region (a new buffer, at least twice as large) when a step needs more room
 * and reports the current buffer with every computed step; readers decode views into it.
 */
import { ShapeError } from '@dtrn/base';
import type { EmbeddingUpdate } from '@dtrn/core';

const HEADER = 5;
const PER_UPDATE = 6;

/** An empty region (room for `words` 32-bit words). */
export function createRowRegion(words = 1 << 12): SharedArrayBuffer {
  return new SharedArrayBuffer(4 * Math.max(HEADER, words));
}

/** Writes `updates` into `region`, or into a new larger region when they do not fit; returns it. */
export function writeRowUpdates(
  region: SharedArrayBuffer,
  updates: readonly EmbeddingUpdate[],
): SharedArrayBuffer {
  const arrays: Float32Array[] = [];
  const arrayIndex = updates.map((update) => {
    const index = arrays.indexOf(update.gradients);
    return index >= 0 ? index : arrays.push(update.gradients) - 1;
  });
  let ids = 0;
  let rows = 0;
  let names = 0;
  for (const update of updates) {
    ids += update.ids.length;
    rows += update.gradientRows?.length ?? 0;
    names += update.table.length;
  }
  const gradients = arrays.reduce((sum, array) => sum + array.length, 0);
  const needed = HEADER + arrays.length + PER_UPDATE * updates.length + names + ids + rows + gradients;
  let target = region;
  if (4 * needed > target.byteLength) target = createRowRegion(Math.max(needed, (2 * target.byteLength) / 4));
  const words = new Int32Array(target);
  const floats = new Float32Array(target);
  words.set([updates.length, arrays.length, ids, rows, gradients]);
  let meta = HEADER;
  for (const array of arrays) words[meta++] = array.length;
  let text = meta + PER_UPDATE * updates.length;
  let idAt = text + names;
  let rowAt = idAt + ids;
  let floatAt = rowAt + rows;
  updates.forEach((update, u) => {
    words.set(
      [
        update.table.length,
        update.ids.length,
        arrayIndex[u]!,
        update.gradientRows ? 1 : 0,
        update.gradientStride ?? 0,
        update.gradientOffset ?? 0,
      ],
      meta,
    );
    meta += PER_UPDATE;
    for (let c = 0; c < update.table.length; c++) words[text++] = update.table.charCodeAt(c);
    words.set(update.ids, idAt);
    idAt += update.ids.length;
    if (update.gradientRows) {
      words.set(update.gradientRows, rowAt);
      rowAt += update.gradientRows.length;
    }
  });
  for (const array of arrays) {
    floats.set(array, floatAt);
    floatAt += array.length;
  }
  return target;
}

/** The updates stored in `region` (views into it: valid until its writer's next step). */
export function readRowUpdates(region: SharedArrayBuffer, worker: number): EmbeddingUpdate[] {
  const words = new Int32Array(region);
  const [count, arrayCount, idsTotal, rowsTotal, floatsTotal] = Array.from(words.subarray(0, HEADER));
  const corrupt = () =>
    new ShapeError(`fitParallel: the row-update region of worker ${worker} is corrupt`, {
      expected: `at most ${region.byteLength / 4} words`,
      found: `${count} updates, ${arrayCount} arrays, ${idsTotal} ids, ${rowsTotal} rows, ${floatsTotal} floats`,
    });
  const sizes = [count, arrayCount, idsTotal, rowsTotal, floatsTotal];
  const metaEnd = HEADER + arrayCount! + PER_UPDATE * count!;
  if (sizes.some((size) => !(size! >= 0)) || 4 * metaEnd > region.byteLength) throw corrupt();
  let names = 0;
  for (let u = 0; u < count!; u++) names += words[HEADER + arrayCount! + PER_UPDATE * u]!;
  let text = metaEnd;
  let idAt = text + names;
  let rowAt = idAt + idsTotal!;
  let floatAt = rowAt + rowsTotal!;
  if (4 * (floatAt + floatsTotal!) > region.byteLength) throw corrupt();
  const arrays: Float32Array[] = [];
  for (let a = 0; a < arrayCount!; a++) {
    const length = words[HEADER + a]!;
    arrays.push(new Float32Array(region, 4 * floatAt, length));
    floatAt += length;
  }
  const updates: EmbeddingUpdate[] = [];
  for (let u = 0; u < count!; u++) {
    const meta = HEADER + arrayCount! + PER_UPDATE * u;
    const [nameLength, idCount, array, hasRows, stride, offset] = Array.from(
      words.subarray(meta, meta + PER_UPDATE),
    );
    const table = String.fromCharCode(...words.subarray(text, text + nameLength!));
    text += nameLength!;
    const gradients = arrays[array!];
    if (!gradients) throw corrupt();
    const ids = new Int32Array(region, 4 * idAt, idCount!);
    idAt += idCount!;
    let gradientRows: Int32Array | undefined;
    if (hasRows) {
      gradientRows = new Int32Array(region, 4 * rowAt, idCount!);
      rowAt += idCount!;
    }
    updates.push({
      table,
      ids,
      gradients,
      ...(gradientRows ? { gradientRows } : {}),
      ...(stride ? { gradientStride: stride } : {}),
      ...(offset ? { gradientOffset: offset } : {}),
    });
  }
  return updates;
}
