/**
 * Shape assertions with messages that say what was expected, what was found and where.
 * Expected dimensions are numbers (exact), names (bound on first use, then checked for
 * consistency across calls that share a `ShapeBindings`), or null (anything).
 */
import { ShapeError } from '@dtrn/base';

export type ExpectedDimension = number | string | null;
/** Named dimensions bound so far, e.g. { B: 32, d: 16 }. */
export type ShapeBindings = Map<string, number>;

function render(expected: readonly ExpectedDimension[], bindings: ShapeBindings | undefined): string {
  return `[${expected
    .map((dim) => {
      if (dim === null) return '?';
      if (typeof dim === 'number') return String(dim);
      const bound = bindings?.get(dim);
      return bound === undefined ? dim : `${dim}=${bound}`;
    })
    .join(', ')}]`;
}

/**
 * Throws a ShapeError unless `shape` matches `expected`. Named dimensions are bound in `bindings`
 * on first use and must agree afterwards.
 *
 * @example checkShape(x.shape, ['B', 'L', 16], 'TIM sequences[0]', bindings)
 */
export function checkShape(
  shape: readonly (number | null)[],
  expected: readonly ExpectedDimension[],
  where: string,
  bindings?: ShapeBindings,
): void {
  const fail = (): never => {
    throw new ShapeError(`${where} has the wrong shape`, {
      expected: render(expected, bindings),
      found: `[${shape.map((d) => (d === null ? '?' : d)).join(', ')}]`,
    });
  };
  if (shape.length !== expected.length) fail();
  const pending: [string, number][] = [];
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i];
    const have = shape[i];
    if (want === null || want === undefined || have === null || have === undefined) continue;
    if (typeof want === 'number') {
      if (want !== have) fail();
    } else {
      const bound = bindings?.get(want) ?? pending.find(([name]) => name === want)?.[1];
      if (bound === undefined) pending.push([want, have]);
      else if (bound !== have) fail();
    }
  }
  for (const [name, value] of pending) bindings?.set(name, value);
}

/** Throws a ShapeError unless the rank is `rank`. */
export function checkRank(shape: readonly (number | null)[], rank: number, where: string): void {
  if (shape.length !== rank) {
    throw new ShapeError(`${where} has the wrong rank`, {
      expected: `rank ${rank}`,
      found: `rank ${shape.length} ([${shape.join(', ')}])`,
    });
  }
}

/** Throws a ShapeError unless both shapes are equal. */
export function checkSameShape(
  a: readonly (number | null)[],
  b: readonly (number | null)[],
  where: string,
  names: [string, string] = ['first', 'second'],
): void {
  const same = a.length === b.length && a.every((dim, i) => dim === null || b[i] === null || dim === b[i]);
  if (!same) {
    throw new ShapeError(`${where}: ${names[0]} and ${names[1]} differ in shape`, {
      expected: `[${a.join(', ')}] (${names[0]})`,
      found: `[${b.join(', ')}] (${names[1]})`,
    });
  }
}

/** Throws a ShapeError unless `values.length` equals `expected`. */
export function checkLength(values: ArrayLike<unknown>, expected: number, where: string): void {
  if (values.length !== expected) {
    throw new ShapeError(`${where} has the wrong length`, {
      expected: `length ${expected}`,
      found: `length ${values.length}`,
    });
  }
}
