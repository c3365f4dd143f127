/**
 * A worker's row-update region (shared-embeddings mode): the embedding-row updates of its share of
 * a step (`PreparedBatch.rowUpdates`), written into a SharedArrayBuffer the worker owns, so every
 * other worker can read them without copies. Layout, in 32-bit words:
 *
 *   [U, N, G]                              updates, ids in all, gradient floats in all
 *   U x [nameLength, idCount, gradients]   per update
 *   table names as UTF-16 code units       (sum of nameLength words)
 *   N ids (int32), then G gradients (float32)
 *
 * The worker grows its region (a new buffer, at least twice as large) when a step needs more room
 * and reports the current buffer with every computed step; readers decode views into it.
 */
import { ShapeError } from '@dtrn/base';
import type { EmbeddingUpdate } from '@dtrn/core';

const HEADER = 3;
const PER_UPDATE = 3;

/** An empty region (room for `words` 32-bit words). */
export function createRowRegion(words = 1 << 12): SharedArrayBuffer {
  return new SharedArrayBuffer(4 * Math.max(HEADER, words));
}

/** Writes `updates` into `region`, or into a new larger region when they do not fit; returns it. */
export function writeRowUpdates(
  region: SharedArrayBuffer,
  updates: readonly EmbeddingUpdate[],
): SharedArrayBuffer {
  let ids = 0;
  let gradients = 0;
  let names = 0;
  for (const update of updates) {
    ids += update.ids.length;
    gradients += update.gradients.length;
    names += update.table.length;
  }
  const needed = HEADER + PER_UPDATE * updates.length + names + ids + gradients;
  let target = region;
  if (4 * needed > target.byteLength) target = createRowRegion(Math.max(needed, (2 * target.byteLength) / 4));
  const words = new Int32Array(target);
  const floats = new Float32Array(target);
  words[0] = updates.length;
  words[1] = ids;
  words[2] = gradients;
  let meta = HEADER;
  let text = HEADER + PER_UPDATE * updates.length;
  let idAt = text + names;
  let gradientAt = idAt + ids;
  for (const update of updates) {
    words[meta++] = update.table.length;
    words[meta++] = update.ids.length;
    words[meta++] = update.gradients.length;
    for (let c = 0; c < update.table.length; c++) words[text++] = update.table.charCodeAt(c);
    words.set(update.ids, idAt);
    idAt += update.ids.length;
    floats.set(update.gradients, gradientAt);
    gradientAt += update.gradients.length;
  }
  return target;
}

/** The updates stored in `region` (views into it: valid until its writer's next step). */
export function readRowUpdates(region: SharedArrayBuffer, worker: number): EmbeddingUpdate[] {
  const words = new Int32Array(region);
  const count = words[0]!;
  const names = () => {
    let total = 0;
    for (let u = 0; u < count; u++) total += words[HEADER + PER_UPDATE * u]!;
    return total;
  };
  const idsTotal = words[1]!;
  const gradientsTotal = words[2]!;
  let text = HEADER + PER_UPDATE * count;
  let idAt = text + names();
  let gradientAt = idAt + idsTotal;
  if (count < 0 || 4 * (gradientAt + gradientsTotal) > region.byteLength) {
    throw new ShapeError(`fitParallel: the row-update region of worker ${worker} is corrupt`, {
      expected: `at most ${region.byteLength / 4} words`,
      found: `${count} updates, ${idsTotal} ids, ${gradientsTotal} gradients`,
    });
  }
  const updates: EmbeddingUpdate[] = [];
  for (let u = 0; u < count; u++) {
    const meta = HEADER + PER_UPDATE * u;
    const nameLength = words[meta]!;
    const idCount = words[meta + 1]!;
    const gradientCount = words[meta + 2]!;
    const table = String.fromCharCode(...words.subarray(text, text + nameLength));
    text += nameLength;
    updates.push({
      table,
      ids: new Int32Array(region, 4 * idAt, idCount),
      gradients: new Float32Array(region, 4 * gradientAt, gradientCount),
    });
    idAt += idCount;
    gradientAt += gradientCount;
  }
  return updates;
}
