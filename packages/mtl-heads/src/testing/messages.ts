/** Exact-message assertions (test-only). */
import { expect } from 'vitest';

/** Runs `fn`, expects it to throw, and compares the message exactly. */
export function expectMessage(fn: () => unknown, message: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a throw').toBeInstanceOf(Error);
  expect((thrown as Error).message).toBe(message);
}
