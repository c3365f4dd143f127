// Node-only entry point of @dtrn/base: the checked file reader every dtrn package uses for disk.
export {
  type CheckedFile,
  type FileHandle,
  type FileLimits,
  openFileWithin,
  openUserFile,
  readFileWithin,
  readTextWithin,
  readUserFile,
  readUserText,
} from './node-files.js';
