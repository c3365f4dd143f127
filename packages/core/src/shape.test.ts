import { ShapeError } from '@dtrn/base';
import { describe, expect, it } from 'vitest';
import { checkLength, checkRank, checkSameShape, checkShape, type ShapeBindings } from './shape.js';

describe('shape assertions', () => {
  it('accepts matching shapes and binds named dimensions', () => {
    const bindings: ShapeBindings = new Map();
    checkShape([32, 50, 16], ['B', 'L', 16], 'sequences[0]', bindings);
    expect(Object.fromEntries(bindings)).toEqual({ B: 32, L: 50 });
    checkShape([32, 16], ['B', null], 'target', bindings);
    checkShape([null, 16], ['B', 16], 'symbolic', bindings);
  });

  it('names expected and found shapes on mismatch', () => {
    const bindings: ShapeBindings = new Map([['B', 32]]);
    expect(() => checkShape([8, 16], ['B', 16], 'targetItem', bindings)).toThrow(
      'targetItem has the wrong shape (expected [B=32, 16], found "[8, 16]")',
    );
    expect(() => checkShape([32, 16, 1], ['B', 16], 'x')).toThrow(ShapeError);
    expect(() => checkShape([4, 5], ['n', 'n'], 'square')).toThrow(
      'square has the wrong shape (expected [n, n], found "[4, 5]")',
    );
  });

  it('checks rank, equal shapes and lengths', () => {
    expect(() => checkRank([2, 3], 3, 'x')).toThrow(
      'x has the wrong rank (expected rank 3, found "rank 2 ([2, 3])")',
    );
    expect(() => checkSameShape([2, 3], [2, 4], 'mask', ['sequence', 'mask'])).toThrow(
      'mask: sequence and mask differ in shape (expected [2, 3] (sequence), found "[2, 4] (mask)")',
    );
    checkSameShape([null, 3], [5, 3], 'ok');
    expect(() => checkLength([1, 2], 3, 'logits')).toThrow(
      'logits has the wrong length (expected length 3, found "length 2")',
    );
  });
});
