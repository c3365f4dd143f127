import { libraryConfig } from '@dtrn/tooling/tsup';

export default libraryConfig({ index: 'src/index.ts', node: 'src/node.ts' });
