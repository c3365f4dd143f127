/**
 * The argument type of each head, by registry name, for typed configs (e.g. `@dtrn/model`'s
 * `ModelArgs.headArgs`). The registry itself is runtime; this map is its compile-time mirror.
 *
 * A package that registers its own head adds it by declaration merging:
 *
 * ```ts
 * declare module '@dtrn/mtl-heads' {
 *   interface MtlHeadArgsByName {
 *     'my-head': MyHeadArgs;
 *   }
 * }
 * ```
 */
import type { AitmArgs } from './aitm.js';
import type { EsmmArgs } from './esmm.js';
import type { MmoeArgs } from './mmoe.js';
import type { PleArgs } from './ple.js';
import type { SharedBottomArgs } from './shared-bottom.js';

export interface MtlHeadArgsByName {
  'shared-bottom': SharedBottomArgs;
  mmoe: MmoeArgs;
  ple: PleArgs;
  esmm: EsmmArgs;
  aitm: AitmArgs;
}

/** Head names whose argument type is known at compile time (the built-in heads plus merged ones). */
export type TypedHeadName = keyof MtlHeadArgsByName;
