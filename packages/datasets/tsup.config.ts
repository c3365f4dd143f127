import { libraryConfig } from '@dtrn/tooling/tsup';

// index: browser-safe (no Node built-ins). node: file-reading loaders and shard I/O.
export default libraryConfig({ index: 'src/index.ts', node: 'src/node.ts' });
