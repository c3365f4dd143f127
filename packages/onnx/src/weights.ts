/**
 * Read access to one model's weights by their stable names (`RecommenderModel.namedWeights()` and
 * `embeddingTables()`), turning each into a graph initializer on first use. Every weight must be
 * used (directly or through a derived constant) by the end of the export: a weight left over means
 * the model has a part the exporter does not know, and the export is refused.
 */
import { ConfigError } from '@dtrn/base';
import type { RecommenderModel } from '@dtrn/model';
import type { GraphBuilder } from './graph-builder.js';

interface WeightEntry {
  readonly shape: readonly number[];
  read(): Float32Array;
}

export class WeightReader {
  private readonly entries = new Map<string, WeightEntry>();
  private readonly used = new Set<string>();
  private readonly derivedNames = new Set<string>();

  /** `prefix` namespaces the initializers (single-task models: one prefix per task). */
  constructor(
    model: RecommenderModel,
    private readonly graph: GraphBuilder,
    private readonly prefix: string,
  ) {
    for (const { name, variable } of model.namedWeights()) {
      if (variable.isDisposed) {
        throw new ConfigError('exportOnnx: the model was disposed', { expected: 'a live model' });
      }
      this.entries.set(name, { shape: variable.shape, read: () => variable.dataSync() as Float32Array });
    }
    for (const table of model.embeddingTables()) {
      this.entries.set(`embedding/${table.name}`, {
        shape: [table.rows, table.dim],
        read: () => table.read(),
      });
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  shape(name: string): readonly number[] {
    return this.entry(name).shape;
  }

  /** The initializer name of weight `name` (added to the graph on first use). */
  use(name: string): string {
    const initializer = `${this.prefix}${name}`;
    if (!this.used.has(name)) {
      const entry = this.entry(name);
      this.graph.addFloat(initializer, entry.shape, entry.read());
      this.used.add(name);
    }
    return initializer;
  }

  /** The values of weight `name` (a copy), marked as used: for constants derived at export time. */
  values(name: string): Float32Array {
    const values = this.entry(name).read().slice();
    this.used.add(name);
    return values;
  }

  /**
   * Adds a constant computed at export time under this model's prefix; returns its name. A name
   * already derived is returned as is (the same weights give the same values: the `stem` bottom
   * runs the encoder once per table set).
   */
  derived(name: string, dims: readonly number[], values: Float32Array): string {
    const initializer = `${this.prefix}derived/${name}`;
    if (this.derivedNames.has(initializer)) return initializer;
    this.derivedNames.add(initializer);
    return this.graph.addFloat(initializer, dims, values);
  }

  /** Throws when a weight was never used: the model has a part the exporter cannot express. */
  checkAllUsed(): void {
    const left = [...this.entries.keys()].filter((name) => !this.used.has(name));
    if (left.length > 0) {
      throw new ConfigError(
        `exportOnnx: the model has weights the exporter does not know: ${left.join(', ')}`,
        {
          expected: 'a model built by @dtrn/model with a built-in head (shared-bottom, mmoe, ple)',
          found: left.slice(0, 5).join(', '),
        },
      );
    }
  }

  private entry(name: string): WeightEntry {
    const entry = this.entries.get(name);
    if (!entry) {
      throw new ConfigError(`exportOnnx: the model has no weight "${name}"`, {
        expected: 'a model built by @dtrn/model',
        found: [...this.entries.keys()].slice(0, 8).join(', '),
      });
    }
    return entry;
  }
}
