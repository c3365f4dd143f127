// Node entry point: writes an export to disk (the main entry is browser-safe).
export { type WrittenOnnxExport, writeOnnxExport } from './write-export.js';
