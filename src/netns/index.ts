export * from './errors.js';
export * from './lifecycle.js';
export * from './names.js';
export * from './reference.js';
export * from './socket.js';
export { withNetns, NetnsRestoreError } from './switch.js';
