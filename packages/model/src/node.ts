// Node-only entry point of @dtrn/model: file-system storage for saveModel / loadModel.
export { FileStorage } from '@dtrn/core/node';
