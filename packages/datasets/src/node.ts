// Node entry point: file-reading loaders and shard I/O (uses node:fs). Re-exports the browser-safe API.
export * from './data/node.js';
export * from './index.js';
export * from './loaders/node.js';
