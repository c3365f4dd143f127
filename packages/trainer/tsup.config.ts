import { libraryConfig } from '@dtrn/tooling/tsup';

export default libraryConfig({
  index: 'src/index.ts',
  node: 'src/node.ts',
  testing: 'src/testing/index.ts',
  // Started by fitParallel as a worker thread (next to node.js in dist/).
  'parallel-worker': 'src/parallel/worker-entry.ts',
});
