// Node-only part of the data contract: shard files on disk (uses node:fs). The browser-safe API is in ./index.ts.
export { MANIFEST_FILE } from './shard-files-node.js';
export {
  iterateShards,
  type ReadShardsOptions,
  readShardManifest,
  readShards,
} from './shard-reader-node.js';
export {
  DEFAULT_WRITE_SHARDS_ARGS,
  ShardWriter,
  type WriteShardsArgs,
  writeShards,
} from './shard-writer-node.js';
