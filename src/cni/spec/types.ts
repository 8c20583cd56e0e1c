// The JSON objects of the CNI specification (1.0.0 and 1.1.0), as a plugin
// reads them on stdin and prints them on stdout. Field names are the spec's.

/** An interface an attachment created (ADD result, `interfaces`). */
export interface CniInterface {
  name: string;
  mac?: string;
  mtu?: number;
  /** The namespace path (CNI_NETNS) for an interface inside the container; absent on the host. */
  sandbox?: string;
  socketPath?: string;
  pciID?: string;
}

/** An address of an attachment (ADD result, `ips`). */
export interface CniIpConfig {
  /** CIDR notation: `10.88.0.5/16`. */
  address: string;
  gateway?: string;
  /** Index into the result's `interfaces`. */
  interface?: number;
}

/** A route of an attachment (ADD result, `routes`). */
export interface CniRoute {
  dst: string;
  gw?: string;
  mtu?: number;
  advmss?: number;
  priority?: number;
  table?: number;
  scope?: number;
}

/** DNS settings (network configuration and ADD result). */
export interface CniDns {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

/** The ADD result in the 1.x shape; {@link formatResult} prints it in the requested version's shape. */
export interface CniResult {
  cniVersion: string;
  interfaces?: CniInterface[];
  ips?: CniIpConfig[];
  routes?: CniRoute[];
  dns?: CniDns;
}

/** The VERSION answer. */
export interface CniVersionResult {
  cniVersion: string;
  supportedVersions: string[];
}

/** The error answer (printed with a non-zero exit). */
export interface CniErrorResult {
  cniVersion: string;
  code: number;
  msg: string;
  details?: string;
}

/** One still valid attachment, as GC lists them. */
export interface CniAttachment {
  containerID: string;
  ifname: string;
}

/**
 * The fields of a plugin's request configuration every plugin understands;
 * a plugin's own keys come on top (see the bridge's configuration).
 */
export interface CniNetworkConfig {
  cniVersion: string;
  name: string;
  type: string;
  /** The IPAM section; `type` names the IPAM plugin. */
  ipam?: Record<string, unknown> & { type?: string };
  dns?: CniDns;
  /** The previous plugin's result in a chain (ADD, DEL, CHECK), unparsed. */
  prevResult?: Record<string, unknown>;
  runtimeConfig?: Record<string, unknown>;
  args?: Record<string, unknown>;
  /** GC: the attachments still valid. */
  validAttachments?: CniAttachment[];
  /** The whole object as received, with the plugin's own keys. */
  raw: Record<string, unknown>;
  /** The bytes received on stdin (delegated plugins get them unchanged). */
  bytes: Buffer;
}
