// nlkit-bridge's configuration: the reference bridge plugin's keys, with its
// defaults, checked before anything is made. A wrong type or value is the
// reference's code 999 ("failed to load netconf"), so a runtime sees the same
// code from either plugin; keys nlkit does not do yet are refused with 2.
import { parseKnownCniArgs } from '../args.js';
import { CniError, CniErrorCode } from '../errors.js';
import type { CniNetworkConfig } from '../spec/types.js';

/** The bridge plugin's view of its configuration. */
export interface BridgeConfig {
  network: CniNetworkConfig;
  /** `bridge`: the bridge's name; default `cni0`. */
  bridge: string;
  /** `isGateway` (or implied by `isDefaultGateway`): gateway addresses on the bridge. */
  isGateway: boolean;
  /** `isDefaultGateway`: a default route in the pod via the gateway. */
  isDefaultGateway: boolean;
  /** `forceAddress`: replace a different address of the bridge instead of failing. */
  forceAddress: boolean;
  /** `mtu`: of the bridge and both veth ends; undefined for the kernel's default. */
  mtu: number | undefined;
  /** `hairpinMode`: frames may leave the host end's bridge port the way they came. */
  hairpinMode: boolean;
  /** `promiscMode`: the bridge in promiscuous mode. */
  promiscMode: boolean;
  /** `enabledad`: IPv6 duplicate address detection on the pod end. */
  enableDad: boolean;
  /** The pod end's MAC (`runtimeConfig.mac`, `args.cni.mac` or CNI_ARGS `MAC`, the first winning). */
  mac: string | undefined;
  /** `ipam.type`; '' for a layer-2 only attachment. */
  ipamType: string;
  /** `runtimeConfig.ips` (capability `ips`). */
  ips: string[] | undefined;
  /** `ipMasq`: masquerade the pod's addresses leaving their subnet (nftables, table `inet nlkit-cni`). */
  ipMasq: boolean;
  /** `macspoofchk`, `vlan`: read so ADD can refuse them (not done yet). */
  macSpoofCheck: boolean;
  vlan: number;
}

const MAC = /^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/;

function loadError(message: string): never {
  throw new CniError(CniErrorCode.internal, `failed to load netconf: ${message}`);
}

function flag(raw: Record<string, unknown>, key: string): boolean {
  const v = raw[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') loadError(`${key} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function integer(raw: Record<string, unknown>, key: string): number {
  const v = raw[key];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) loadError(`${key} must be an integer, got ${JSON.stringify(v)}`);
  return v;
}

function mac(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !MAC.test(value)) throw new CniError(CniErrorCode.internal, `invalid MAC address ${JSON.stringify(value)} in ${where}`);
  const text = value.toLowerCase().replaceAll('-', ':');
  if (Number.parseInt(text.slice(0, 2), 16) & 1) throw new CniError(CniErrorCode.internal, `invalid MAC address ${value} in ${where}: a multicast address`);
  return text;
}

/** Reads the bridge keys of a parsed configuration, and the `mac` from CNI_ARGS and the capability. */
export function parseBridgeConfig(network: CniNetworkConfig, cniArgs: string): BridgeConfig {
  const raw = network.raw;
  const bridge = raw.bridge ?? 'cni0';
  if (typeof bridge !== 'string') loadError(`bridge must be a string, got ${JSON.stringify(bridge)}`);
  const name = bridge === '' ? 'cni0' : bridge;
  if (Buffer.byteLength(name) > 15 || name === '.' || name === '..' || /[/:\s]/u.test(name)) throw new CniError(CniErrorCode.internal, `failed to create bridge ${JSON.stringify(name)}: invalid interface name`);
  const vlan = integer(raw, 'vlan');
  if (vlan < 0 || vlan > 4094) throw new CniError(CniErrorCode.internal, `invalid VLAN ID ${vlan} (must be between 0 and 4094)`);
  const mtu = integer(raw, 'mtu');
  if (mtu !== 0 && (mtu < 68 || mtu > 65535)) loadError(`mtu must be from 68 to 65535, got ${mtu}`);
  const isDefaultGateway = flag(raw, 'isDefaultGateway');
  const config: BridgeConfig = {
    network,
    bridge: name,
    isGateway: flag(raw, 'isGateway') || isDefaultGateway,
    isDefaultGateway,
    forceAddress: flag(raw, 'forceAddress'),
    mtu: mtu === 0 ? undefined : mtu,
    hairpinMode: flag(raw, 'hairpinMode'),
    promiscMode: flag(raw, 'promiscMode'),
    enableDad: flag(raw, 'enabledad'),
    mac: undefined,
    ipamType: typeof network.ipam?.type === 'string' ? network.ipam.type : '',
    ips: undefined,
    ipMasq: flag(raw, 'ipMasq'),
    macSpoofCheck: flag(raw, 'macspoofchk'),
    vlan,
  };

  // The bridge's own key; others (IP=, K8S_POD_NAME=) need IgnoreUnknown=1, as with the reference.
  const envMac = parseKnownCniArgs(cniArgs, ['MAC']).MAC;
  const argsCni = network.args?.cni as Record<string, unknown> | undefined;
  const runtime = network.runtimeConfig;
  config.mac = mac(runtime?.mac, 'runtimeConfig.mac') ?? mac(argsCni?.mac, 'args.cni.mac') ?? mac(envMac, 'CNI_ARGS');
  const ips = runtime?.ips;
  if (ips !== undefined && ips !== null) {
    if (!Array.isArray(ips) || ips.some((ip) => typeof ip !== 'string')) loadError('runtimeConfig.ips must be a list of strings');
    config.ips = ips as string[];
  }
  return config;
}

/**
 * What ADD refuses before making anything: the reference's one conflict, and
 * the keys nlkit does not do yet (the spec's code 2, naming the key), rather
 * than ignoring them. DEL and CHECK accept them, so cleanup always works.
 */
export function refuseForAdd(config: BridgeConfig): void {
  if (config.hairpinMode && config.promiscMode) throw new CniError(CniErrorCode.internal, 'cannot set hairpin mode and promiscuous mode at the same time.');
  if (config.macSpoofCheck) throw new CniError(CniErrorCode.unsupportedField, 'unsupported field in network configuration: macspoofchk=true', 'nlkit-bridge has no MAC spoof check yet');
  if (config.vlan !== 0) throw new CniError(CniErrorCode.unsupportedField, `unsupported field in network configuration: vlan=${config.vlan}`, 'VLAN tagging needs bridge VLAN filtering, which nlkit-bridge does not set up yet');
}
