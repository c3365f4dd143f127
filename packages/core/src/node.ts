// Node-only entry point of @dtrn/core (uses node:fs).
export { FileStorage } from './node-storage.js';
