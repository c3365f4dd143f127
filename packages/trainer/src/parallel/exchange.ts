/**
 * Shared buffers of one data-parallel run (SharedArrayBuffer, allocated by the coordinator).
 *
 * Dense (made once, when the workers have described their models): over the flat dense parameter
 * vector (every dense variable flattened, in optimizer order):
 * - `gradients`: `workers` regions; worker w writes its dense gradient into region w;
 * - `weights`: the weights after the latest step; worker w writes the new weights of its range of
 *   the vector (`denseRange`), every worker then loads all of them;
 * - `firstMoments`, `secondMoments`: ONE set of Adam moments; worker w updates its range only.
 *
 * Sparse (replicated-embeddings mode only, sized to the batch): per sparse input i, a
 * `[capacity, rowWidths[i]]` block; worker w writes the gradient rows of its batch rows [start,
 * end), so after a step each block holds the whole batch's gradient of that input, as a one-thread
 * step would compute it.
 */
import { workerRowRange } from './batch-slice.js';

export interface DenseExchange {
  readonly workers: number;
  /** Elements of the flat dense vector. */
  readonly length: number;
  readonly gradients: SharedArrayBuffer;
  readonly weights: SharedArrayBuffer;
  readonly firstMoments: SharedArrayBuffer;
  readonly secondMoments: SharedArrayBuffer;
}

export interface SparseExchange {
  /** Floats per batch row of each sparse input (product of its shape after the batch axis). */
  readonly rowWidths: readonly number[];
  /** Batch rows each sparse block holds. */
  readonly capacity: number;
  readonly buffer: SharedArrayBuffer;
}

const floats = (count: number) => new SharedArrayBuffer(4 * Math.max(1, count));

export function createDenseExchange(workers: number, length: number): DenseExchange {
  return {
    workers,
    length,
    gradients: floats(workers * length),
    weights: floats(length),
    firstMoments: floats(length),
    secondMoments: floats(length),
  };
}

export function createSparseExchange(rowWidths: readonly number[], capacity: number): SparseExchange {
  const length = rowWidths.reduce((sum, width) => sum + width * capacity, 0);
  return { rowWidths: [...rowWidths], capacity, buffer: floats(length) };
}

/** Worker w's dense gradient region. */
export function denseRegion(exchange: DenseExchange, worker: number): Float32Array {
  return new Float32Array(exchange.gradients, 4 * worker * exchange.length, exchange.length);
}

/** The range [start, end) of the flat dense vector that worker w updates. */
export function denseRange(exchange: DenseExchange, worker: number): { start: number; end: number } {
  return workerRowRange(exchange.length, exchange.workers, worker);
}

/** A [length] view of one of the exchange's whole-vector buffers. */
export function denseVector(exchange: DenseExchange, buffer: SharedArrayBuffer): Float32Array {
  return new Float32Array(buffer, 0, exchange.length);
}

/**
 * Sum of every worker's dense region over [start, end), added in worker order (0, 1, 2, ...) so
 * it is the same float32 sum whichever worker computes it, written into `out` at the same indices.
 * With one worker, region 0 itself.
 */
export function sumDenseRegions(
  exchange: DenseExchange,
  out: Float32Array,
  start: number,
  end: number,
): Float32Array {
  if (exchange.workers === 1) return denseRegion(exchange, 0);
  out.set(denseRegion(exchange, 0).subarray(start, end), start);
  for (let worker = 1; worker < exchange.workers; worker++) {
    const region = denseRegion(exchange, worker);
    for (let i = start; i < end; i++) out[i]! += region[i]!;
  }
  return out;
}

/** The `[capacity * rowWidths[input]]` block of sparse input `input`. */
export function sparseBlock(exchange: SparseExchange, input: number): Float32Array {
  let offset = 0;
  for (let i = 0; i < input; i++) offset += exchange.rowWidths[i]! * exchange.capacity;
  return new Float32Array(exchange.buffer, 4 * offset, exchange.rowWidths[input]! * exchange.capacity);
}
