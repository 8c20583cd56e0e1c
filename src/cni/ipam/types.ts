// What the bridge plugin hands an IPAM implementation (the built-in host-local
// store or a delegated IPAM executable) and what it gets back.

/** One call into IPAM, as the plugin received it. */
export interface IpamRequest {
  command: 'ADD' | 'DEL' | 'CHECK' | 'GC' | 'STATUS';
  /** The cniVersion of the network configuration. */
  cniVersion: string;
  /** The network's `name`. */
  networkName: string;
  /** CNI_CONTAINERID (absent for GC and STATUS). */
  containerId?: string;
  /** CNI_IFNAME (absent for GC and STATUS). */
  ifname?: string;
  /** CNI_NETNS, when the runtime gave one. */
  netns?: string;
  /** CNI_ARGS split into pairs (IgnoreUnknown=1;IP=10.0.0.5 ...). */
  args?: Record<string, string>;
  /** The network configuration's `ipam` object, unparsed. */
  ipam: Record<string, unknown>;
  /** `runtimeConfig.ips` (capability `ips`), if given. */
  ips?: string[];
  /** GC: the attachments that are still valid (`cni.dev/valid-attachments`). */
  validAttachments?: { containerID: string; ifname: string }[];
  /** CNI_PATH entries, for delegation. */
  cniPath?: string[];
  /** The full network configuration as received on stdin (delegation passes it on). */
  rawConfig?: Buffer;
}

/** An IPAM result in CNI 1.x shape. */
export interface IpamResult {
  cniVersion: string;
  ips: { address: string; gateway?: string; interface?: number }[];
  routes?: { dst: string; gw?: string; mtu?: number; advmss?: number; priority?: number; table?: number; scope?: number }[];
  dns?: { nameservers?: string[]; domain?: string; search?: string[]; options?: string[] };
}

/** An IPAM implementation: ADD returns the result, the others return nothing (or throw a CniError). */
export type Ipam = (request: IpamRequest) => Promise<IpamResult | undefined>;
