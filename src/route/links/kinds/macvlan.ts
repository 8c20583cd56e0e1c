import * as ifLink from '../../../generated/if_link.js';
import {
  IFLA_LINK, IFLA_MACVLAN_BC_QUEUE_LEN, IFLA_MACVLAN_BC_QUEUE_LEN_USED, IFLA_MACVLAN_FLAGS, IFLA_MACVLAN_MACADDR,
  IFLA_MACVLAN_MACADDR_COUNT, IFLA_MACVLAN_MACADDR_DATA, IFLA_MACVLAN_MODE, MACVLAN_FLAG_NODST, MACVLAN_FLAG_NOPROMISC,
  MACVLAN_MODE_BRIDGE, MACVLAN_MODE_PASSTHRU, MACVLAN_MODE_PRIVATE, MACVLAN_MODE_SOURCE, MACVLAN_MODE_VEPA,
} from '../../../generated/if_link.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import { validateLinkRef, type LinkRef } from '../../resolve.js';
import { lazyAttributeNames } from '../attribute-names.js';
import type { LinkCommonSpec } from '../types.js';
import { validateBoolean, validateOneOf, validateU32 } from '../validate.js';
import type { KindData, LinkKind } from './kind.js';
import { encodeLinkNetnsId, validateLinkNetnsId, type LinkNetnsIdSpec } from './link-netnsid.js';

/** The IFLA_INFO_DATA members' names, for error messages; built on first use. */
const dataAttributeNames = lazyAttributeNames(ifLink, 'IFLA_MACVLAN_', ifLink.IFLA_MACVLAN_MAX);

/** How a macvlan forwards between siblings on the same lower device (MACVLAN_MODE_*): `bridge` switches locally, `vepa` hairpins through the external switch, `private` isolates, `passthru` gives the lower device to one macvlan, `source` filters by source MAC. */
export type MacvlanMode = 'private' | 'vepa' | 'bridge' | 'passthru' | 'source';

const MODES: Record<MacvlanMode, number> = {
  private: MACVLAN_MODE_PRIVATE,
  vepa: MACVLAN_MODE_VEPA,
  bridge: MACVLAN_MODE_BRIDGE,
  passthru: MACVLAN_MODE_PASSTHRU,
  source: MACVLAN_MODE_SOURCE,
};
const MODE_NAMES = Object.keys(MODES) as MacvlanMode[];

/** `ip link add NAME link DEV type macvlan [mode MODE] [nopromisc] [bcqueuelen N]` */
export interface MacvlanSpec extends LinkCommonSpec, LinkNetnsIdSpec {
  /** Selects the macvlan kind (IFLA_INFO_KIND "macvlan"). */
  type: 'macvlan';
  /** The lower device. */
  link: LinkRef;
  /** IFLA_MACVLAN_MODE; the kernel defaults to 'vepa'. */
  mode?: MacvlanMode;
  /** Do not put the lower device in promiscuous mode (passthru only). */
  nopromisc?: boolean;
  /** Broadcast queue length. */
  bcqueuelen?: number;
}

export interface MacvlanInfo extends KindData {
  /** IFLA_MACVLAN_MODE by name; the raw number for a mode nlkit does not know. */
  mode?: MacvlanMode | number;
  /** MACVLAN_FLAG_* bits. */
  flags?: number;
  /** IFLA_MACVLAN_MACADDR_COUNT: how many source MACs a 'source' mode macvlan accepts. */
  macaddrCount?: number;
  /** Source-mode MAC addresses. */
  macaddrs?: string[];
  /** IFLA_MACVLAN_BC_QUEUE_LEN: requested broadcast/multicast queue length in packets (`bcqueuelen`, default 1000). */
  bcQueueLen?: number;
  /** IFLA_MACVLAN_BC_QUEUE_LEN_USED: the length actually used, the largest any macvlan on the same lower device asked for. */
  bcQueueLenUsed?: number;
}

export const macvlan: LinkKind<MacvlanSpec, MacvlanInfo> = {
  kind: 'macvlan',
  creatable: true,
  specKeys: ['link', 'mode', 'nopromisc', 'bcqueuelen', 'linkNetnsId'],
  get dataAttributeNames() {
    return dataAttributeNames();
  },

  validate(spec) {
    if (spec.link === undefined) throw new InvalidArgumentError(`macvlan "${spec.name}" needs link: the lower device it sits on`);
    validateLinkRef(spec.link, 'link');
    validateLinkNetnsId(spec);
    if (spec.mode !== undefined) validateOneOf(spec.mode, 'mode', MODE_NAMES);
    if (spec.nopromisc !== undefined) validateBoolean(spec.nopromisc, 'nopromisc');
    if (spec.nopromisc && spec.mode !== 'passthru') throw new InvalidArgumentError('nopromisc is only valid with mode "passthru"');
    if (spec.bcqueuelen !== undefined) validateU32(spec.bcqueuelen, 'bcqueuelen');
  },

  linkRefs(spec) {
    return [spec.link];
  },

  encodeLinkAttributes(spec, w, ctx) {
    w.u32(IFLA_LINK, ctx.linkIndex(spec.link));
    encodeLinkNetnsId(spec, w);
  },

  encodeInfoData(spec, w) {
    if (spec.mode !== undefined) w.u32(IFLA_MACVLAN_MODE, MODES[spec.mode]);
    if (spec.nopromisc !== undefined) w.u16(IFLA_MACVLAN_FLAGS, spec.nopromisc ? MACVLAN_FLAG_NOPROMISC : 0);
    if (spec.bcqueuelen !== undefined) w.u32(IFLA_MACVLAN_BC_QUEUE_LEN, spec.bcqueuelen);
  },

  decodeInfoData(c) {
    const info: MacvlanInfo = { unknown: [] };
    while (c.next()) {
      switch (c.type) {
        case IFLA_MACVLAN_MODE: {
          const mode = c.u32();
          info.mode = MODE_NAMES.find((name) => MODES[name] === mode) ?? mode;
          break;
        }
        case IFLA_MACVLAN_FLAGS: info.flags = c.u16(); break;
        case IFLA_MACVLAN_MACADDR_COUNT: info.macaddrCount = c.u32(); break;
        case IFLA_MACVLAN_MACADDR_DATA: {
          const list: string[] = [];
          const inner = c.nestedCursor();
          while (inner.next()) {
            if (inner.type !== IFLA_MACVLAN_MACADDR) continue;
            inner.need(6);
            list.push(inner.mac());
          }
          info.macaddrs = list;
          break;
        }
        case IFLA_MACVLAN_BC_QUEUE_LEN: info.bcQueueLen = c.u32(); break;
        case IFLA_MACVLAN_BC_QUEUE_LEN_USED: info.bcQueueLenUsed = c.u32(); break;
        default: info.unknown.push(c.rawView());
      }
    }
    return info;
  },

  toIpJson(info) {
    const out: Record<string, unknown> = {};
    if (!info || info.mode === undefined) return out;
    out.mode = typeof info.mode === 'number' ? 'unknown' : info.mode;
    const flags = info.flags ?? 0;
    if (flags & MACVLAN_FLAG_NOPROMISC) out.nopromisc = true;
    if (flags & MACVLAN_FLAG_NODST) out.nodst = true;
    if (info.bcQueueLen !== undefined) out.bcqueuelen = info.bcQueueLen;
    if (info.bcQueueLenUsed !== undefined) out.usedbcqueuelen = info.bcQueueLenUsed;
    if (info.mode !== 'source' || info.macaddrCount === undefined) return out;
    out.macaddr_count = info.macaddrCount;
    if (info.macaddrs) out.macaddr_data = info.macaddrs;
    return out;
  },
};
