/**
 * A worker's share of the dense step. Every worker writes its dense gradient into its region of
 * the dense exchange; in `apply`, worker w sums all regions over ITS range of the flat parameter
 * vector only (in worker order, so the sum is the same float32 sum any worker would compute), takes
 * the Adam step of that range against the one set of moments on shared memory, and writes the
 * range's new weights into the shared weights vector. Before the worker next uses its model (the
 * next step, a prediction, a state read) it loads the whole vector into its variables: by then every
 * worker has finished its `apply` (the coordinator waits for all of them before it sends anything
 * else), so all copies hold the same weights again. With one worker the range is everything and
 * the step is `fit`'s bit for bit.
 */
import { ConfigError } from '@dtrn/base';
import type * as tf from '@tensorflow/tfjs-core';
import type { DenseAdam } from '../dense-adam.js';
import { type DenseExchange, denseRange, denseRegion, denseVector, sumDenseRegions } from './exchange.js';

export class DenseShare {
  private exchange: DenseExchange | null = null;
  private summed: Float32Array = new Float32Array(0);
  /** The shared weights vector (one view, kept: the optimizer knows its sections by identity). */
  private weights: Float32Array = new Float32Array(0);
  /** True between an `apply` and the load of the new weights into the variables. */
  private pending = false;

  constructor(
    private readonly optimizer: DenseAdam,
    private readonly variables: readonly tf.Variable[],
    private readonly worker: number,
  ) {}

  /** Adopts the run's dense buffers: the moments move there (all workers hold equal ones). */
  attach(exchange: DenseExchange): void {
    if (exchange.length !== this.optimizer.size) {
      throw new ConfigError('parallel worker: the dense exchange does not fit the model', {
        expected: `${this.optimizer.size} dense elements`,
        found: exchange.length,
      });
    }
    this.optimizer.useMoments({
      first: denseVector(exchange, exchange.firstMoments),
      second: denseVector(exchange, exchange.secondMoments),
    });
    this.exchange = exchange;
    this.summed = new Float32Array(exchange.length);
    this.weights = denseVector(exchange, exchange.weights);
  }

  /** Writes this worker's dense gradient (null: a variable its loss did not reach, zeros). */
  writeGradients(gradients: readonly (tf.Tensor | null | undefined)[]): void {
    const region = denseRegion(this.require(), this.worker);
    let offset = 0;
    this.variables.forEach((variable, index) => {
      const gradient = gradients[index];
      if (gradient) region.set(gradient.dataSync() as Float32Array, offset);
      else region.fill(0, offset, offset + variable.size);
      offset += variable.size;
    });
  }

  /** Zeros this worker's gradient (it had no rows this step). */
  clearGradients(): void {
    denseRegion(this.require(), this.worker).fill(0);
  }

  /** The Adam step of this worker's range; variables in `skipped` are left alone. */
  step(skipped: ReadonlySet<number>): void {
    const exchange = this.require();
    const { start, end } = denseRange(exchange, this.worker);
    const gradient = sumDenseRegions(exchange, this.summed, start, end);
    this.optimizer.applyRange(gradient, skipped, start, end, this.weights);
    this.pending = true;
  }

  /** Loads the weights of the latest step into the variables (no-op when already loaded). */
  load(): void {
    if (!this.pending) return;
    this.pending = false;
    this.require();
    this.optimizer.loadWeights(this.weights);
  }

  /** The variables were just set from a state: the shared vector no longer describes them. */
  forget(): void {
    this.pending = false;
  }

  private require(): DenseExchange {
    if (!this.exchange) {
      throw new ConfigError('parallel worker: no dense exchange', {
        expected: 'a denseExchange message first',
      });
    }
    return this.exchange;
  }
}
