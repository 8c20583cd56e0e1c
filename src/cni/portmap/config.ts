// nlkit-portmap's configuration: the reference portmap plugin's keys and the
// `portMappings` capability, with its defaults, checked before anything is
// sent. A wrong type or value is the reference's code 999 ("failed to parse
// config: ..."), so a runtime sees the same code from either plugin.
import { isIP } from 'node:net';
import { CniError, CniErrorCode } from '../errors.js';
import type { CniNetworkConfig } from '../spec/types.js';

/** The transport protocols a mapping may name. */
export type PortProtocol = 'tcp' | 'udp' | 'sctp';

/** One entry of runtimeConfig.portMappings (the CNI conventions' `portMappings` capability). */
export interface PortMappingEntry {
  hostPort: number;
  containerPort: number;
  protocol: PortProtocol;
  /** Only connections to this host address; absent (or 0.0.0.0 / ::) for any local address. */
  hostIP?: string;
}

/** What nlkit-portmap reads from its configuration. */
export interface PortmapConfig {
  /** Masquerade hairpin and localhost connections (reference default: true). */
  snat: boolean;
  /** Masquerade every connection to a host port, not only hairpin and localhost. */
  masqAll: boolean;
  /** Accepted and checked as the reference does (0-31, default 13); nlkit masquerades by conntrack state, without a mark. */
  markMasqBit: number;
  /** Accepted as the reference does (an iptables chain); nlkit's nftables rules cannot jump to it and masquerade on their own. */
  externalSetMarkChain?: string;
  /** Extra nftables matches in front of every IPv4 DNAT rule, as the reference's nftables backend takes them. */
  conditionsV4: string[];
  /** The same for IPv6. */
  conditionsV6: string[];
  portMappings: PortMappingEntry[];
}

/** The reference's default mark bit (Kubernetes uses 14 and 15). */
const DEFAULT_MARK_BIT = 13;
const PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'sctp']);

function fail(message: string): never {
  throw new CniError(CniErrorCode.internal, `failed to parse config: ${message}`);
}

function optionalBoolean(value: unknown, key: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') fail(`${key} must be true or false`);
  return value;
}

function conditions(value: unknown, key: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((c) => typeof c !== 'string')) fail(`${key} must be a list of strings`);
  return value as string[];
}

function port(value: unknown, what: string, label: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(`${what} must be an integer`);
  if (value <= 0 || value > 0xffff) throw new CniError(CniErrorCode.internal, `failed to parse config: Invalid ${label} port number: ${value}`);
  return value;
}

function mapping(value: unknown, i: number): PortMappingEntry {
  const what = `runtimeConfig.portMappings[${i}]`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} must be an object`);
  const o = value as Record<string, unknown>;
  // The reference checks the container port first.
  const containerPort = port(o.containerPort ?? 0, `${what}.containerPort`, 'container');
  const hostPort = port(o.hostPort ?? 0, `${what}.hostPort`, 'host');
  if (o.protocol !== undefined && typeof o.protocol !== 'string') fail(`${what}.protocol must be a string`);
  // Runtimes send lower case; iptables took any case, so does this. Absent means tcp.
  const protocol = ((o.protocol as string | undefined) || 'tcp').toLowerCase();
  if (!PROTOCOLS.has(protocol)) fail(`${what}.protocol must be tcp, udp or sctp, got ${JSON.stringify(o.protocol)}`);
  const entry: PortMappingEntry = { hostPort, containerPort, protocol: protocol as PortProtocol };
  if (o.hostIP !== undefined && o.hostIP !== null && o.hostIP !== '') {
    if (typeof o.hostIP !== 'string' || isIP(o.hostIP) === 0) fail(`${what}.hostIP must be an IP address, got ${JSON.stringify(o.hostIP)}`);
    entry.hostIP = o.hostIP;
  }
  return entry;
}

/** Reads the plugin's keys; the common ones were checked by the core. */
export function parsePortmapConfig(network: CniNetworkConfig): PortmapConfig {
  const raw = network.raw;
  const markGiven = raw.markMasqBit !== undefined && raw.markMasqBit !== null;
  const chainGiven = raw.externalSetMarkChain !== undefined && raw.externalSetMarkChain !== null;
  if (markGiven && chainGiven) fail('Cannot specify externalSetMarkChain and markMasqBit');
  const markMasqBit = markGiven ? raw.markMasqBit : DEFAULT_MARK_BIT;
  if (typeof markMasqBit !== 'number' || !Number.isInteger(markMasqBit)) fail('markMasqBit must be an integer');
  if (markMasqBit < 0 || markMasqBit > 31) fail('MasqMarkBit must be between 0 and 31');
  if (chainGiven && typeof raw.externalSetMarkChain !== 'string') fail('externalSetMarkChain must be a string');
  const runtime = network.runtimeConfig ?? {};
  const list = runtime.portMappings;
  if (list !== undefined && list !== null && !Array.isArray(list)) fail('runtimeConfig.portMappings must be a list');
  const config: PortmapConfig = {
    snat: optionalBoolean(raw.snat, 'snat') ?? true,
    masqAll: optionalBoolean(raw.masqAll, 'masqAll') ?? false,
    markMasqBit,
    conditionsV4: conditions(raw.conditionsV4, 'conditionsV4'),
    conditionsV6: conditions(raw.conditionsV6, 'conditionsV6'),
    portMappings: ((list as unknown[] | undefined) ?? []).map(mapping),
  };
  if (chainGiven) config.externalSetMarkChain = raw.externalSetMarkChain as string;
  return config;
}
