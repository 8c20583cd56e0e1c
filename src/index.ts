/**
 * nlkit: netlink for Node.js. Namespaces, rtnetlink and nf_tables, encoded and
 * decoded in TypeScript over Koffi syscalls.
 */
export * from './constants.js';
export { SyscallError, errnoName } from './sys/errors.js';
export { withFileLock, type FileLockOptions, type FileLockMode } from './fs/file-lock.js';
export * from './netlink/index.js';
export * from './netns/index.js';
export * from './route/index.js';
export * from './monitor/index.js';
export * from './pod/index.js';
// nf_tables: everything under the `nftables` namespace (its Rule/RuleSpec are
// not rtnetlink's), and the entry points by name.
export * as nftables from './nftables/index.js';
export {
  openNftables, NftablesConnection, Transaction, rule, parseRule, RuleBuilder,
  applyPodIsolation, applyPodIsolationAsync, removePodIsolation, removePodIsolationAsync,
  applyPodMasquerade, applyPodMasqueradeAsync, removePodMasquerade, removePodMasqueradeAsync,
  applyPortForward, applyPortForwardAsync, removePortForward, removePortForwardAsync,
  type NftablesOptions, type NftFamily, type Expression,
} from './nftables/index.js';
