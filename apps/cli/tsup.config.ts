import { libraryConfig } from '@dtrn/tooling/tsup';

export default libraryConfig({ index: 'src/index.ts', bin: 'src/bin.ts' }, { platform: 'node' });
