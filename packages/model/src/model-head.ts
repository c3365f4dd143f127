/** The head of a model: its definition from the registry and its args resolved for the layout. */
import { deriveSeed } from '@dtrn/base';
import { type AnyMtlHeadDefinition, getHead, type MtlHeadBaseArgs } from '@dtrn/mtl-heads';
import type { FeatureLayout } from './feature-layout.js';
import type { ResolvedModelArgs } from './model-args.js';

/** The head definition and its resolved args for a model's layout. */
export function modelHead(
  args: ResolvedModelArgs,
  layout: FeatureLayout,
  numTasks: number,
): { readonly head: AnyMtlHeadDefinition; readonly headArgs: MtlHeadBaseArgs } {
  const head = getHead(args.head);
  const headArgs = head.resolveArgs({
    ...args.headArgs,
    numTasks,
    inputDim: layout.fieldNames.length * args.embeddingDim,
    seed: deriveSeed(args.seed, 'head'),
  });
  return { head, headArgs };
}
