export * from './addresses.js';
export * from './align.js';
export * from './attributes.js';
export * from './debug.js';
export * from './errors.js';
export * from './message.js';
export * from './socket.js';
export * from './writer.js';
