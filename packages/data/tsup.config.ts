import { libraryConfig } from '@dtrn/tooling/tsup';

// index: browser-safe (no Node built-ins). node: shard files on disk. testing: fixtures for tests.
export default libraryConfig({ index: 'src/index.ts', node: 'src/node.ts', testing: 'src/testing/index.ts' });
