import { libraryConfig } from '@dtrn/tooling/tsup';

// index: browser-safe. node: the checked file reader (node:fs).
export default libraryConfig({ index: 'src/index.ts', node: 'src/node.ts' });
