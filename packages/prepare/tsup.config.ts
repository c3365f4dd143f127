import { libraryConfig } from '@dtrn/tooling/tsup';

// Node only: DuckDB is a native module, so the whole package is one Node entry.
export default libraryConfig(
  { index: 'src/index.ts', testing: 'src/testing/index.ts' },
  { platform: 'node' },
);
