/** Captured stdout/stderr for running the program in-process. */
import type { OutputStreams } from '../../src/runtime/progress.js';

export interface Captured extends OutputStreams {
  out(): string;
  err(): string;
}

export function captureStreams(): Captured {
  let stdout = '';
  let stderr = '';
  return {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    out: () => stdout,
    err: () => stderr,
  };
}
