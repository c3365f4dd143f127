/** Tiny click / conversion data with a learnable signal, for the trainer's tests and benchmark. */
import { Rng } from '@dtrn/base';
import type { InMemoryDataset } from '@dtrn/data';

export interface TinyDataArgs {
  readonly size: number;
  readonly seed?: number;
  readonly users?: number;
  readonly items?: number;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Two sparse fields (user, item); click ~ Bernoulli(sigmoid(a_u + b_i)); conversion defined only on
 * clicks (sample mask = click) with its own user/item effects. Groups are the user ids.
 */
export function tinyDataset(args: TinyDataArgs): InMemoryDataset {
  const users = args.users ?? 12;
  const items = args.items ?? 16;
  const rng = new Rng(args.seed ?? 1);
  const truth = new Rng(99); // the same ground truth for every split
  const userClick = Array.from({ length: users }, () => truth.normal() * 1.5);
  const itemClick = Array.from({ length: items }, () => truth.normal() * 1.5);
  const userConversion = Array.from({ length: users }, () => truth.normal() * 1.5);
  const itemConversion = Array.from({ length: items }, () => truth.normal() * 1.5);
  const size = args.size;
  const user = new Int32Array(size);
  const item = new Int32Array(size);
  const click = new Float32Array(size);
  const conversion = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    user[i] = rng.int(users);
    item[i] = rng.int(items);
    click[i] = rng.next() < sigmoid(userClick[user[i]!]! + itemClick[item[i]!]!) ? 1 : 0;
    conversion[i] =
      click[i] && rng.next() < sigmoid(userConversion[user[i]!]! + itemConversion[item[i]!]!) ? 1 : 0;
  }
  return {
    schema: {
      idSpaces: [
        { name: 'user', size: users, oov: 'error' },
        { name: 'item', size: items, oov: 'error' },
      ],
      sparseFields: [
        { name: 'user', idSpace: 'user' },
        { name: 'item', idSpace: 'item' },
      ],
      denseFields: [],
      tasks: [{ name: 'click' }, { name: 'conversion', sampleSpace: { positiveOf: 'click' } }],
      groupField: 'user',
    },
    size,
    sparse: [user, item],
    dense: [],
    sequences: [],
    labels: [click, conversion],
    sampleMasks: [undefined, click.slice()],
    groups: user.slice(),
  };
}
