// Node entry point: file-reading loaders (uses node:fs). Re-exports the browser-safe API.
export * from './index.js';
export * from './loaders/node.js';
