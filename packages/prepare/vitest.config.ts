import { plainTestConfig } from '@dtrn/tooling/vitest';

export default plainTestConfig();
