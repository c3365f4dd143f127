/**
 * Ctrl-C handling: the first SIGINT aborts the signal given to `fit`, which stops after the current
 * step and writes a checkpoint; a second SIGINT exits at once (exit code 130).
 */
export interface Interrupt {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function interruptOnSigint(onFirst: () => void): Interrupt {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(130);
    onFirst();
    controller.abort();
  };
  process.on('SIGINT', handler);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', handler) };
}
