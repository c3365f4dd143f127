import { plainTestConfig } from '@dtrn/tooling/vitest';

// DuckDB preparations in beforeAll hooks: allow for a busy machine.
export default plainTestConfig({ testTimeout: 120_000, hookTimeout: 120_000 });
