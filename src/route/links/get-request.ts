import { IFLA_EXT_MASK, IFLA_IFNAME } from '../../generated/if_link.js';
import { RTEXT_FILTER_VF, RTM_GETLINK } from '../../generated/rtnetlink.js';
import type { Request } from '../../netlink/socket.js';
import type { MessageWriter } from '../../netlink/writer.js';
import type { LinkRef } from '../resolve.js';
import { writeIfinfomsg } from './ifinfomsg.js';
import { keepShapeAlive } from '../shape-keeper.js';

/** What `ip link show` asks the kernel to include. */
export const SHOW_EXT_MASK = RTEXT_FILTER_VF;

/**
 * RTM_GETLINK for one link by index or name: the bytes encodeLinkRequest
 * writes for `{ index } | { name }, extMask`, without building a LinkRequest
 * or a closure per call.
 */
export class GetLinkRequest implements Request {
  readonly type = RTM_GETLINK;

  constructor(private readonly ref: LinkRef) {}

  encode(w: MessageWriter): void {
    const ref = this.ref;
    writeIfinfomsg(w, typeof ref === 'number' ? ref : 0, 0, 0);
    if (typeof ref === 'string') w.string(IFLA_IFNAME, ref);
    w.u32(IFLA_EXT_MASK, SHOW_EXT_MASK);
  }
}

keepShapeAlive(new GetLinkRequest(1));
