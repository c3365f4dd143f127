/**
 * Seeded row initialisation: row r of a table gets its own random stream, seeded by
 * `deriveSeed(tableSeed, r)`, so a row's initial values depend only on (bank seed, table name, row)
 * and not on when or in which order rows are first touched. That makes lazy initialisation
 * deterministic and lets a 10^7-row table be created without drawing 10^7 rows up front.
 */
import { deriveSeed, Rng } from '@dtrn/base';
import type { EmbeddingInitializerArgs } from './config.js';

/** The seed of a table's rows under a bank seed. */
export function tableSeed(bankSeed: number, tableName: string): number {
  return deriveSeed(bankSeed, 'embedding', tableName);
}

/** Writes the initial values of `row` into `target[offset .. offset + dim)`. */
export function initializeRow(
  target: Float32Array,
  offset: number,
  dim: number,
  seedOfTable: number,
  row: number,
  initializer: Required<EmbeddingInitializerArgs>,
): void {
  const rng = new Rng(deriveSeed(seedOfTable, row));
  const scale = initializer.scale;
  switch (initializer.kind) {
    case 'normal':
      for (let j = 0; j < dim; j++) target[offset + j] = scale * rng.normal();
      return;
    case 'uniform':
      for (let j = 0; j < dim; j++) target[offset + j] = scale * (2 * rng.next() - 1);
      return;
    case 'truncatedNormal':
      for (let j = 0; j < dim; j++) {
        let z = rng.normal();
        while (z > 2 || z < -2) z = rng.normal();
        target[offset + j] = scale * z;
      }
      return;
  }
}
