/**
 * Ctrl-C handling: the first SIGINT aborts the signal given to `fit`, which stops after the current
 * step and writes a checkpoint; a second SIGINT exits at once (exit code 130).
 *
 * A SIGINT that arrives within {@link REPEAT_WINDOW_MS} of the first is the same interrupt, not a
 * second one: on Linux the binary runs itself in a child (runtime/allocator.ts) and passes on the
 * SIGINT its parent receives, so a Ctrl-C in a terminal (delivered to the whole process group)
 * reaches the child twice within a few milliseconds.
 */
export interface Interrupt {
  readonly signal: AbortSignal;
  dispose(): void;
}

/** Milliseconds after the first SIGINT in which another one counts as the same interrupt. */
export const REPEAT_WINDOW_MS = 500;

/**
 * The SIGINT handler: the first call runs `onFirst` and aborts `signal`; a later call exits with 130
 * unless it comes within {@link REPEAT_WINDOW_MS} of the first.
 */
export function sigintHandler(
  onFirst: () => void,
  exit: (code: number) => void,
  now: () => number = Date.now,
): { readonly handle: () => void; readonly signal: AbortSignal } {
  const controller = new AbortController();
  let firstAt: number | undefined;
  const handle = () => {
    if (firstAt === undefined) {
      firstAt = now();
      onFirst();
      controller.abort();
      return;
    }
    if (now() - firstAt >= REPEAT_WINDOW_MS) exit(130);
  };
  return { handle, signal: controller.signal };
}

export function interruptOnSigint(onFirst: () => void): Interrupt {
  const { handle, signal } = sigintHandler(onFirst, (code) => process.exit(code));
  process.on('SIGINT', handle);
  return { signal, dispose: () => process.off('SIGINT', handle) };
}
