/**
 * Writes an export as `<file>` (the graph) and `<file>.json` (the metadata), each atomically
 * (temporary file, then rename), so a reader never sees half a file.
 */
import { basename, dirname, resolve } from 'node:path';
import { FileStorage } from '@dtrn/core/node';
import type { OnnxExport } from './export-onnx.js';

export interface WrittenOnnxExport {
  /** Absolute path of the ONNX graph. */
  readonly graph: string;
  /** Absolute path of the JSON sidecar (`<graph>.json`). */
  readonly metadata: string;
  readonly graphBytes: number;
}

export async function writeOnnxExport(exported: OnnxExport, file: string): Promise<WrittenOnnxExport> {
  const graph = resolve(file);
  const storage = new FileStorage(dirname(graph));
  const name = basename(graph);
  await storage.writeFile(name, exported.bytes);
  const metadata = { ...exported.metadata, graph: name };
  await storage.writeFile(`${name}.json`, `${JSON.stringify(metadata, null, 2)}\n`);
  return { graph, metadata: `${graph}.json`, graphBytes: exported.bytes.length };
}
