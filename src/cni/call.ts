// One plugin call: its environment, its configuration and the caller's options.
import type { NetnsRef } from '../index.js';
import type { CniCache } from './agent/cache.js';
import type { CniEnvironment } from './environment.js';
import type { Ipam } from './ipam/types.js';
import type { CniNetworkConfig } from './spec/types.js';

/** How {@link runCni} is run: by the executable with none, by an agent or a test with some. */
export interface RunCniOptions {
  /**
   * The namespace that plays the host (where the bridge and the host ends
   * live); default the calling thread's, as for a plugin the runtime starts.
   * A delegated IPAM plugin still runs in the caller's namespace.
   */
  hostNetns?: Exclude<NetnsRef, string> | string;
  /** IPAM implementations by `ipam.type` that run in-process instead of as a plugin on CNI_PATH (host-local is built in). */
  ipam?: Readonly<Record<string, Ipam>>;
  /**
   * What the agent keeps between calls (connections per host namespace,
   * bridges checked, host-local's allocations); none for a standalone call.
   */
  cache?: CniCache;
}

/** Everything a command handler needs. */
export interface CniCall {
  env: CniEnvironment;
  /** The whole process environment as given (a delegated plugin gets it). */
  processEnv: Readonly<Record<string, string | undefined>>;
  network: CniNetworkConfig;
  options: RunCniOptions;
}
