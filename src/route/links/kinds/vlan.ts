import * as ifLink from '../../../generated/if_link.js';
import {
  IFLA_LINK, IFLA_VLAN_EGRESS_QOS, IFLA_VLAN_FLAGS, IFLA_VLAN_ID, IFLA_VLAN_INGRESS_QOS, IFLA_VLAN_PROTOCOL, IFLA_VLAN_QOS_MAPPING,
} from '../../../generated/if_link.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import type { AttributeCursor } from '../../../netlink/attributes.js';
import { describeValue } from '../../../netlink/checks.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import { validateInteger } from '../../names.js';
import { validateLinkRef, type LinkRef } from '../../resolve.js';
import { lazyAttributeNames } from '../attribute-names.js';
import type { LinkCommonSpec } from '../types.js';
import { U32_MAX, validateBoolean, validateOneOf } from '../validate.js';
import { VLAN_PROTOCOLS, type BridgeVlanProtocol } from './bridge.js';
import type { KindData, LinkKind } from './kind.js';
import { once } from '../../constant-names.js';

/** The IFLA_INFO_DATA members' names, for error messages; built on first use. */
const dataAttributeNames = lazyAttributeNames(ifLink, 'IFLA_VLAN_', ifLink.IFLA_VLAN_MAX);

/** One priority mapping of a VLAN device: `from:to` in ip's ingress-qos-map / egress-qos-map. */
export interface VlanQosMapping {
  /** Ingress: the 802.1p priority of the tag (0–7). Egress: the packet's priority (skb->priority). */
  from: number;
  /** Ingress: the packet's priority. Egress: the 802.1p priority to tag with (0–7). */
  to: number;
}

// VLAN_FLAG_* of <linux/if_vlan.h>, with the words ip uses for them.
const FLAGS = [
  ['reorderHdr', 0x1], ['gvrp', 0x2], ['looseBinding', 0x4], ['mvrp', 0x8], ['bridgeBinding', 0x10],
] as const;
/** The VLAN_FLAG_* switches of a vlan, in ip's words; absent leaves the kernel's default. */
export interface VlanFlags {
  /** VLAN_FLAG_REORDER_HDR (`reorder_hdr`): hand packets up with the tag taken out of the header (kernel default on). */
  reorderHdr?: boolean;
  /** VLAN_FLAG_GVRP (`gvrp`): register the VLAN with GARP VLAN Registration Protocol. */
  gvrp?: boolean;
  /** VLAN_FLAG_LOOSE_BINDING (`loose_binding`): the vlan's operstate does not follow the lower device. */
  looseBinding?: boolean;
  /** VLAN_FLAG_MVRP (`mvrp`): register the VLAN with Multiple VLAN Registration Protocol. */
  mvrp?: boolean;
  /** VLAN_FLAG_BRIDGE_BINDING (`bridge_binding`): the vlan on a bridge follows the state of the bridge's ports in that VLAN. */
  bridgeBinding?: boolean;
}

const QOS_MAPPING_LEN = 8;

/**
 * `ip link add link DEV name NAME type vlan id ID [protocol 802.1Q|802.1ad]
 * [reorder_hdr on|off] [gvrp …] [mvrp …] [loose_binding …] [bridge_binding …]
 * [ingress-qos-map FROM:TO …] [egress-qos-map FROM:TO …]`. Encoded like
 * iproute2 (checked against ip's captured requests), not verified against a kernel here.
 */
export interface VlanSpec extends LinkCommonSpec, VlanFlags {
  /** Selects the vlan kind (IFLA_INFO_KIND "vlan"). */
  type: 'vlan';
  /** The lower device (required). */
  link: LinkRef;
  /** IFLA_VLAN_ID: the VLAN id, 0–4094 (required). */
  id: number;
  /** IFLA_VLAN_PROTOCOL: the tag's ethertype; the kernel defaults to 802.1Q. */
  protocol?: BridgeVlanProtocol;
  /** IFLA_VLAN_INGRESS_QOS: tag priority (0–7) → packet priority, for received frames. */
  ingressQosMap?: readonly VlanQosMapping[];
  /** IFLA_VLAN_EGRESS_QOS: packet priority → tag priority (0–7), for sent frames. */
  egressQosMap?: readonly VlanQosMapping[];
}

/** IFLA_INFO_DATA of a vlan. */
export interface VlanInfo extends KindData {
  /** IFLA_VLAN_ID. */
  id?: number;
  /** IFLA_VLAN_PROTOCOL by name; the ethertype for one nlkit does not name. */
  protocol?: BridgeVlanProtocol | number;
  /** IFLA_VLAN_FLAGS: the VLAN_FLAG_* bits set. */
  flags?: number;
  /** IFLA_VLAN_FLAGS: the bits the message speaks of (in a request, those to change). */
  flagsMask?: number;
  /** IFLA_VLAN_INGRESS_QOS mappings. */
  ingressQosMap?: VlanQosMapping[];
  /** IFLA_VLAN_EGRESS_QOS mappings. */
  egressQosMap?: VlanQosMapping[];
}

function validateMap(value: unknown, what: string, fromMax: number, toMax: number): void {
  if (!Array.isArray(value)) throw new InvalidArgumentError(`${what} must be an array of { from, to }, got ${describeValue(value)}`);
  value.forEach((m: unknown, i) => {
    if (m === null || typeof m !== 'object') throw new InvalidArgumentError(`${what}[${i}] must be { from, to }, got ${describeValue(m)}`);
    validateInteger((m as VlanQosMapping).from, `${what}[${i}].from`, 0, fromMax);
    validateInteger((m as VlanQosMapping).to, `${what}[${i}].to`, 0, toMax);
  });
}

function encodeMap(w: MessageWriter, type: number, map: readonly VlanQosMapping[]): void {
  const nest = w.beginNested(type);
  for (const { from, to } of map) {
    const mapping = Buffer.alloc(QOS_MAPPING_LEN);
    mapping.writeUInt32LE(from, 0);
    mapping.writeUInt32LE(to, 4);
    w.binary(IFLA_VLAN_QOS_MAPPING, mapping);
  }
  w.endNested(nest);
}

function decodeMap(c: AttributeCursor): VlanQosMapping[] {
  const map: VlanQosMapping[] = [];
  while (c.next()) {
    if (c.type !== IFLA_VLAN_QOS_MAPPING) continue;
    c.need(QOS_MAPPING_LEN);
    map.push({ from: c.buf.readUInt32LE(c.start), to: c.buf.readUInt32LE(c.start + 4) });
  }
  return map;
}

const PROTOCOL_NAMES = Object.keys(VLAN_PROTOCOLS) as BridgeVlanProtocol[];

const specKeys = once(() => ['link', 'id', 'protocol', 'ingressQosMap', 'egressQosMap', ...FLAGS.map(([key]) => key)]);

export const vlan: LinkKind<VlanSpec, VlanInfo> = {
  kind: 'vlan',
  creatable: true,
  get specKeys() {
    return specKeys();
  },
  get dataAttributeNames() {
    return dataAttributeNames();
  },

  validate(spec) {
    if (spec.link === undefined) throw new InvalidArgumentError(`vlan "${spec.name}" needs link: the lower device it tags on`);
    validateLinkRef(spec.link, 'link');
    if (spec.id === undefined) throw new InvalidArgumentError(`vlan "${spec.name}" needs id: the VLAN id, 0-4094`);
    validateInteger(spec.id, 'id', 0, 4094);
    if (spec.protocol !== undefined) validateOneOf(spec.protocol, 'protocol', PROTOCOL_NAMES);
    for (const [key] of FLAGS) if (spec[key] !== undefined) validateBoolean(spec[key], key);
    if (spec.ingressQosMap !== undefined) validateMap(spec.ingressQosMap, 'ingressQosMap', 7, U32_MAX);
    if (spec.egressQosMap !== undefined) validateMap(spec.egressQosMap, 'egressQosMap', U32_MAX, 7);
  },

  linkRefs: (spec) => [spec.link],

  encodeLinkAttributes(spec, w, ctx) {
    w.u32(IFLA_LINK, ctx.linkIndex(spec.link));
  },

  encodeInfoData(spec, w) {
    w.u16(IFLA_VLAN_ID, spec.id);
    // The ethertype in network byte order, as the kernel's policy (__be16) wants it.
    if (spec.protocol !== undefined) w.be16(IFLA_VLAN_PROTOCOL, VLAN_PROTOCOLS[spec.protocol]);
    let flags = 0;
    let mask = 0;
    for (const [key, bit] of FLAGS) {
      if (spec[key] === undefined) continue;
      mask |= bit;
      if (spec[key]) flags |= bit;
    }
    if (mask) {
      const value = Buffer.alloc(8);
      value.writeUInt32LE(flags, 0);
      value.writeUInt32LE(mask, 4);
      w.binary(IFLA_VLAN_FLAGS, value);
    }
    if (spec.ingressQosMap?.length) encodeMap(w, IFLA_VLAN_INGRESS_QOS, spec.ingressQosMap);
    if (spec.egressQosMap?.length) encodeMap(w, IFLA_VLAN_EGRESS_QOS, spec.egressQosMap);
  },

  decodeInfoData(c) {
    const info: VlanInfo = { unknown: [] };
    while (c.next()) {
      switch (c.type) {
        case IFLA_VLAN_ID: info.id = c.u16(); break;
        case IFLA_VLAN_PROTOCOL: {
          const protocol = c.be16();
          info.protocol = PROTOCOL_NAMES.find((name) => VLAN_PROTOCOLS[name] === protocol) ?? protocol;
          break;
        }
        case IFLA_VLAN_FLAGS:
          c.need(8);
          info.flags = c.buf.readUInt32LE(c.start);
          info.flagsMask = c.buf.readUInt32LE(c.start + 4);
          break;
        case IFLA_VLAN_INGRESS_QOS: info.ingressQosMap = decodeMap(c.nestedCursor()); break;
        case IFLA_VLAN_EGRESS_QOS: info.egressQosMap = decodeMap(c.nestedCursor()); break;
        default: info.unknown.push(c.rawView());
      }
    }
    return info;
  },
};
