import { tfjsTestConfig } from '@dtrn/tooling/vitest';

export default tfjsTestConfig();
