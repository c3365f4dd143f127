/** A model's embeddings replaced by shared ones (the data-parallel hook `useSharedEmbeddings`). */
import { ConfigError, EmbeddingBank, type SharedEmbeddingBankHandle } from '@dtrn/core';

/** Its configuration without the storage choice, for comparing two banks. */
function describeBank(bank: EmbeddingBank): string {
  const { sharedMemory: _, ...config } = bank.config;
  return JSON.stringify(config);
}

/**
 * A bank over the buffers of `handle` (from `shareEmbeddings()` of a model with the same config), or
 * null for a model without tables and a null handle. ConfigError when the handle does not fit
 * `current`'s tables and optimizer settings.
 */
export function adoptSharedBank(
  current: EmbeddingBank | null,
  handle: unknown,
  where: string,
): EmbeddingBank | null {
  if (!current || handle === null) {
    if (!current && handle === null) return null;
    throw new ConfigError(`${where}: the handle does not fit this model's embeddings`, {
      expected: current ? `a handle of tables ${current.tableNames.join(', ')}` : 'null (no tables)',
      found: handle === null ? 'null' : 'a handle of embedding tables',
    });
  }
  const shared = EmbeddingBank.fromShared(handle as SharedEmbeddingBankHandle);
  if (describeBank(shared) !== describeBank(current)) {
    throw new ConfigError(`${where}: the shared embeddings have another configuration`, {
      expected: describeBank(current),
      found: describeBank(shared),
    });
  }
  return shared;
}
