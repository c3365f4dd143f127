import { libraryConfig } from '@dtrn/tooling/tsup';

export default libraryConfig({ index: 'src/index.ts', testing: 'src/testing/index.ts' });
