/**
 * nlkit: netlink for Node.js. Namespaces, rtnetlink and nf_tables, encoded and
 * decoded in TypeScript over Koffi syscalls.
 */
export * from './constants.js';
export { SyscallError, errnoName } from './sys/errors.js';
export * from './netlink/index.js';
export * from './netns/index.js';
export * from './route/index.js';
