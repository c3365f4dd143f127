/**
 * Shared gradient buffers of one data-parallel run (SharedArrayBuffer, allocated once by the
 * coordinator):
 *
 * - dense: `workers` regions of `denseLength` floats; worker w writes its dense gradient (all
 *   dense variables flattened in optimizer order) into region w;
 * - sparse: per sparse input i, a `[capacity, rowWidths[i]]` block; worker w writes the gradient
 *   rows of its batch rows [start, end) at rows [start, end) of every block, so after a step each
 *   block holds the whole batch's gradient of that input, as a one-thread step would compute it.
 */

export interface ExchangeBuffers {
  readonly workers: number;
  readonly denseLength: number;
  readonly dense: SharedArrayBuffer;
  /** Floats per batch row of each sparse input (product of its shape after the batch axis). */
  readonly rowWidths: readonly number[];
  /** Batch rows each sparse block holds. */
  readonly capacity: number;
  readonly sparse: SharedArrayBuffer;
}

export function createExchangeBuffers(
  workers: number,
  denseLength: number,
  rowWidths: readonly number[],
  capacity: number,
): ExchangeBuffers {
  const sparseLength = rowWidths.reduce((sum, width) => sum + width * capacity, 0);
  return {
    workers,
    denseLength,
    dense: new SharedArrayBuffer(4 * Math.max(1, workers * denseLength)),
    rowWidths: [...rowWidths],
    capacity,
    sparse: new SharedArrayBuffer(4 * Math.max(1, sparseLength)),
  };
}

/** Worker w's dense region. */
export function denseRegion(buffers: ExchangeBuffers, worker: number): Float32Array {
  return new Float32Array(buffers.dense, 4 * worker * buffers.denseLength, buffers.denseLength);
}

/** The `[capacity * rowWidths[input]]` block of sparse input `input`. */
export function sparseBlock(buffers: ExchangeBuffers, input: number): Float32Array {
  let offset = 0;
  for (let i = 0; i < input; i++) offset += buffers.rowWidths[i]! * buffers.capacity;
  return new Float32Array(buffers.sparse, 4 * offset, buffers.rowWidths[input]! * buffers.capacity);
}

/**
 * Sum of every worker's dense region, added in worker order (0, 1, 2, ...) so every worker gets
 * the same float32 result bit for bit. With one worker, region 0 itself.
 */
export function sumDenseRegions(buffers: ExchangeBuffers, out: Float32Array): Float32Array {
  if (buffers.workers === 1) return denseRegion(buffers, 0);
  out.set(denseRegion(buffers, 0));
  for (let worker = 1; worker < buffers.workers; worker++) {
    const region = denseRegion(buffers, worker);
    for (let i = 0; i < out.length; i++) out[i]! += region[i]!;
  }
  return out;
}
