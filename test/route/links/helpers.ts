// Shared pieces of the link tests: a LinkService bound to a test namespace,
// and the field-by-field comparison with `ip -j -d link show`.
import type { Test } from 'tap';
import type { NetlinkSocket } from '../../../src/netlink/socket.js';
import { LinkService, linkToIpJson, type Link } from '../../../src/route/links/index.js';
import { openCountingContext } from '../../helpers/counting-socket.js';
import { ipJson } from '../../helpers/netns.js';
import { readTogether } from '../../helpers/read-together.js';
import { maskLinkJson } from '../../helpers/volatile.js';

export interface Links {
  links: LinkService;
  socket: NetlinkSocket;
  /** How many requests reached the socket (execute/dump, sync or async). */
  sent(): number;
}

/** A LinkService on a counting socket inside `netns`, closed when the test ends. */
export function openLinks(t: Test, netns: string): Links {
  const ctx = openCountingContext(t, netns);
  return { links: new LinkService(ctx), socket: ctx.raw, sent: ctx.sent };
}

/** `ip -j -d link show dev NAME` in the namespace. */
export function ipShow(netns: string, dev: string): Record<string, any> {
  const out = ipJson<Record<string, any>[]>(netns, '-d', 'link', 'show', 'dev', dev);
  if (out.length !== 1) throw new Error(`ip link show dev ${dev} printed ${out.length} entries`);
  return out[0]!;
}

/**
 * Reads `dev` with nlkit's get and with ip, and compares linkToIpJson of the
 * first with the second field by field, running bridge and port timers masked
 * (test/helpers/volatile.ts). `names` are the namespace's links (for
 * master/link names); by default nlkit lists them.
 */
export function compareWithIp(t: Test, ctx: Links, netns: string, dev: string, names?: Link[]): Link {
  const { mine, theirs } = readTogether(() => ipShow(netns, dev), () => ({ link: ctx.links.get(dev), directory: names ?? ctx.links.list() }), maskLinkJson);
  t.strictSame(maskLinkJson(linkToIpJson(mine.link, mine.directory)), maskLinkJson(theirs), `${dev}: linkToIpJson(get) equals ip -j -d link show`);
  return mine.link;
}
