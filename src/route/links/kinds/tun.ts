import { IFF_TAP, IFF_TUN } from '../../../generated/if_tun.js';
import * as ifLink from '../../../generated/if_link.js';
import {
  IFLA_TUN_GROUP, IFLA_TUN_MULTI_QUEUE, IFLA_TUN_NUM_DISABLED_QUEUES, IFLA_TUN_NUM_QUEUES, IFLA_TUN_OWNER, IFLA_TUN_PERSIST,
  IFLA_TUN_PI, IFLA_TUN_TYPE, IFLA_TUN_VNET_HDR,
} from '../../../generated/if_link.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import { groupNameOf, userNameOf } from '../account-names.js';
import { lazyAttributeNames } from '../attribute-names.js';
import type { KindData, LinkKind } from './kind.js';

/** The IFLA_INFO_DATA members' names, for error messages; built on first use. */
const dataAttributeNames = lazyAttributeNames(ifLink, 'IFLA_TUN_', ifLink.IFLA_TUN_MAX);


/** IFLA_INFO_DATA of a tun/tap device (reported by the kernel; not creatable through rtnetlink). */
export interface TunInfo extends KindData {
  /** "tun", "tap", or the raw IFF_* type. */
  type?: 'tun' | 'tap' | number;
  /** IFLA_TUN_OWNER: uid allowed to attach to the device (`ip tuntap ... user`); absent when any may. */
  owner?: number;
  /** IFLA_TUN_GROUP: gid allowed to attach to the device (`ip tuntap ... group`); absent when any may. */
  group?: number;
  /** IFLA_TUN_PI: frames carry the 4-byte packet information header (no IFF_NO_PI). */
  pi?: boolean;
  /** IFLA_TUN_VNET_HDR: frames carry a virtio_net_hdr (IFF_VNET_HDR), as for vhost-net. */
  vnetHdr?: boolean;
  /** IFLA_TUN_PERSIST: the device outlives the process that created it (TUNSETPERSIST). */
  persist?: boolean;
  /** IFLA_TUN_MULTI_QUEUE: several fds can attach, one queue each (IFF_MULTI_QUEUE). */
  multiQueue?: boolean;
  /** IFLA_TUN_NUM_QUEUES: queues currently attached. */
  numQueues?: number;
  /** IFLA_TUN_NUM_DISABLED_QUEUES: attached queues disabled with TUNSETQUEUE. */
  numDisabledQueues?: number;
}

/** Why `add` refuses tun and tap. */
export const TUN_REFUSAL =
  'tun/tap devices cannot be created through rtnetlink: the kernel only creates them when a process opens /dev/net/tun ' +
  'and issues the TUNSETIFF ioctl (TUNSETPERSIST keeps them after it exits). Create them with ' +
  "rt.link.addTunTap({ name, mode: 'tap' }) (as `ip tuntap add NAME mode tap` does), then manage them like any link (set, get, list, delete).";

export const tun: LinkKind<never, TunInfo> = {
  kind: 'tun',
  creatable: false,
  specKeys: [],
  get dataAttributeNames() {
    return dataAttributeNames();
  },
  validate() {
    throw new InvalidArgumentError(TUN_REFUSAL);
  },
  decodeInfoData(c) {
    const info: TunInfo = { unknown: [] };
    while (c.next()) {
      switch (c.type) {
        case IFLA_TUN_TYPE: {
          const type = c.u8();
          info.type = type === IFF_TUN ? 'tun' : type === IFF_TAP ? 'tap' : type;
          break;
        }
        case IFLA_TUN_OWNER: info.owner = c.u32(); break;
        case IFLA_TUN_GROUP: info.group = c.u32(); break;
        case IFLA_TUN_PI: info.pi = c.u8() !== 0; break;
        case IFLA_TUN_VNET_HDR: info.vnetHdr = c.u8() !== 0; break;
        case IFLA_TUN_PERSIST: info.persist = c.u8() !== 0; break;
        case IFLA_TUN_MULTI_QUEUE: info.multiQueue = c.u8() !== 0; break;
        case IFLA_TUN_NUM_QUEUES: info.numQueues = c.u32(); break;
        case IFLA_TUN_NUM_DISABLED_QUEUES: info.numDisabledQueues = c.u32(); break;
        default: info.unknown.push(c.rawView());
      }
    }
    return info;
  },
  toIpJson(info) {
    const out: Record<string, unknown> = {};
    if (!info) return out;
    if (info.type !== undefined) out.type = typeof info.type === 'number' ? `UNKNOWN:${info.type}` : info.type;
    if (info.pi !== undefined) out.pi = info.pi;
    if (info.vnetHdr !== undefined) out.vnet_hdr = info.vnetHdr;
    if (!info.multiQueue) out.multi_queue = false;
    else {
      out.multi_queue = true;
      if (info.numQueues !== undefined) out.numqueues = info.numQueues;
      if (info.numDisabledQueues !== undefined) out.numdisabled = info.numDisabledQueues;
    }
    if (info.persist !== undefined) out.persist = info.persist;
    if (info.owner !== undefined) out.user = userNameOf(info.owner);
    if (info.group !== undefined) out.group = groupNameOf(info.group);
    return out;
  },
};
