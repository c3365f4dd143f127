// Node-only data API: shard files on disk (uses node:fs). The browser-safe API is in ./index.ts.
export {
  DEFAULT_WRITE_SHARDS_ARGS,
  iterateShards,
  MANIFEST_FILE,
  type ReadShardsOptions,
  readShardManifest,
  readShards,
  type WriteShardsArgs,
  writeShards,
} from './shards-node.js';
