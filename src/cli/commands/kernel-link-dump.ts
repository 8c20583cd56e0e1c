// The links ip's filtered link dump gets back (iplink_filter_req): the kernel
// filters by master, and by kind only when a driver of that kind is
// registered (a kind it does not know, or whose module is not loaded,
// filters nothing). ip then tests the kind itself in print_linkinfo, so with
// an unknown kind every link comes back and fails that test: under -j each
// prints as `{}`. The library's list filters the kind on its side too, which
// hides that difference, so this asks the kernel directly.
import { RTEXT_FILTER_VF, RTM_GETLINK } from '../../generated/rtnetlink.js';
import { decodeLink, encodeLinkRequest } from '../../route/links/index.js';
import type { CliContext } from '../context.js';

/** Indexes of the links a dump filtered by `master` (an index) and `kind` returns, in dump order. */
export function kernelFilteredLinkIndexes(ctx: CliContext, master: number | undefined, kind: string | undefined): Set<number> {
  const { socket, label } = ctx.routeContext();
  // RTEXT_FILTER_VF: what `ip link show` asks for.
  const request = { type: RTM_GETLINK, flags: 0, encode: (w: Parameters<typeof encodeLinkRequest>[0]) => encodeLinkRequest(w, { extMask: RTEXT_FILTER_VF, master, kind }) };
  const links = socket.dump(request, { operation: 'list links', object: `in ${label}` }, decodeLink);
  return new Set(links.map((l) => l.index));
}
