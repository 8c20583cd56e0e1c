import type { LinkCommonSpec } from '../types.js';
import type { KindData, LinkKind } from './kind.js';
import { rawMembers } from './raw-members.js';

/**
 * `ip link add NAME type dummy`: a device that drops what it sends, for
 * addresses that must live on some link. Encoded like iproute2 (checked
 * against ip's captured request), not verified against a kernel here.
 */
export interface DummySpec extends LinkCommonSpec {
  /** Selects the dummy kind (IFLA_INFO_KIND "dummy"). */
  type: 'dummy';
}

export const dummy: LinkKind<DummySpec, KindData> = {
  kind: 'dummy',
  creatable: true,
  specKeys: [],
  validate() {},
  decodeInfoData: rawMembers,
  // ip has no print_opt for dummy: it prints only info_kind.
};
