import type { LinkCommonSpec } from '../types.js';
import type { KindData, LinkKind } from './kind.js';
import { rawMembers } from './raw-members.js';

/** `ip link add NAME type ifb`: an intermediate functional block for ingress shaping. */
export interface IfbSpec extends LinkCommonSpec {
  /** Selects the ifb kind (IFLA_INFO_KIND "ifb"). */
  type: 'ifb';
}

export const ifb: LinkKind<IfbSpec, KindData> = {
  kind: 'ifb',
  creatable: true,
  specKeys: [],
  validate() {},
  decodeInfoData: rawMembers,
  // ip has no print_opt for ifb: it prints only info_kind.
};
