// Node-only loader API: file sources over node:fs streams.
export { type FileSourceOptions, fileSource } from './io/file-source.js';
