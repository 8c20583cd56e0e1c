import { InvalidArgumentError } from '../../../netlink/addresses.js';
import { describeValue, jsonOf, requireNonEmptyString, requireObject } from '../../../netlink/checks.js';
import { bond } from './bond.js';
import { bondSlave } from './bond-slave.js';
import { bridge } from './bridge.js';
import { bridgeSlave } from './bridge-slave.js';
import { dummy } from './dummy.js';
import { ifb } from './ifb.js';
import { geneve } from './geneve.js';
import { ipvlan } from './ipvlan.js';
import { ipvtap } from './ipvtap.js';
import type { LinkKind, SlaveKind } from './kind.js';
import { macvlan } from './macvlan.js';
import { macvtap } from './macvtap.js';
import { netkit } from './netkit.js';
import { TUN_REFUSAL, tun } from './tun.js';
import { veth } from './veth.js';
import { vlan } from './vlan.js';
import { vrf } from './vrf.js';
import { vxlan } from './vxlan.js';
import { wireguard } from './wireguard.js';
import { TUNNEL_KINDS } from './tunnels.js';

export type { FollowUp, IpJsonNames, KindData, KindEncodeContext, LinkKind, SlaveKind } from './kind.js';

const kinds = new Map<string, LinkKind>();
const slaveKinds = new Map<string, SlaveKind>();

/** Adds a link kind; a later registration of the same name replaces the earlier. */
export function registerLinkKind(kind: LinkKind): void {
  requirePlugin(kind, 'link kind', ['validate', 'decodeInfoData']);
  kinds.set(kind.kind, kind);
}

/**
 * Adds a port (slave) kind, which decodes IFLA_INFO_SLAVE_DATA; a later registration of the same name replaces the earlier.
 * @throws InvalidArgumentError when the plug-in has no `kind` name or no decodeSlaveData().
 */
export function registerSlaveKind(kind: SlaveKind): void {
  requirePlugin(kind, 'slave kind', ['decodeSlaveData']);
  slaveKinds.set(kind.kind, kind);
}

/** A plug-in from plain JavaScript: an object with its `kind` name and the functions nlkit calls. */
function requirePlugin(plugin: unknown, what: string, functions: readonly string[]): void {
  const p = requireObject<Record<string, unknown>>(plugin, what, "{ kind: 'dummy', ... }");
  requireNonEmptyString(p.kind, `${what}.kind`);
  for (const f of functions) if (typeof p[f] !== 'function') throw new InvalidArgumentError(`${what} "${p.kind}" needs a ${f}() function, got ${describeValue(p[f])}`);
}

/** The kind plug-in for IFLA_INFO_KIND `name`, if nlkit knows it. */
export function linkKind(name: string): LinkKind | undefined {
  return kinds.get(name);
}

/** The slave-kind plug-in for IFLA_INFO_SLAVE_KIND `name`, if nlkit knows it. */
export function slaveKind(name: string): SlaveKind | undefined {
  return slaveKinds.get(name);
}

/** Kinds `add` can create. */
export function creatableKinds(): string[] {
  return [...kinds.values()].filter((k) => k.creatable).map((k) => k.kind);
}

/** The kind to create a `type` with; refuses unknown and uncreatable types before anything is sent. */
export function kindToCreate(type: unknown): LinkKind {
  if (type === 'tap' || type === 'tun') throw new InvalidArgumentError(TUN_REFUSAL);
  const kind = typeof type === 'string' ? kinds.get(type) : undefined;
  if (!kind || !kind.creatable) {
    throw new InvalidArgumentError(`unknown link type ${jsonOf(type)}; nlkit can create: ${creatableKinds().join(', ')}`);
  }
  return kind;
}

// dummy, vlan, vrf and ipvlan are encoded like iproute2 (test/route/links/iproute2-requests.test.ts); the kernel here lacks them.
for (const kind of [veth, bridge, macvlan, vxlan, ifb, tun, dummy, vlan, vrf, ipvlan] as LinkKind[]) registerLinkKind(kind);
// geneve, macvtap, ipvtap and wireguard are encoded like iproute2, netkit from the uapi header (test/route/links/misc-kinds-requests.test.ts).
for (const kind of [geneve, macvtap, ipvtap, wireguard, netkit] as LinkKind[]) registerLinkKind(kind);
// The tunnels (gre, ipip, vti families) are encoded like iproute2 (test/route/links/tunnels-requests.test.ts); the kernel here lacks them.
for (const kind of TUNNEL_KINDS) registerLinkKind(kind);
registerSlaveKind(bridgeSlave);
// bond is encoded like iproute2 (test/route/links/bond-requests.test.ts); the kernel here lacks it.
registerLinkKind(bond);
registerSlaveKind(bondSlave);
