// Shared pieces of the link tests: a LinkService bound to a test namespace,
// and the field-by-field comparison with `ip -j -d link show`.
import type { Test } from 'tap';
import type { NetlinkSocket } from '../../../src/netlink/socket.js';
import { LinkService, linkToIpJson, type Link } from '../../../src/route/links/index.js';
import { openCountingContext } from '../../helpers/counting-socket.js';
import { ipJson } from '../../helpers/netns.js';

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

// Timers keep running between nlkit's read and ip's (a bridge's hello and gc
// timers, a port's forward-delay timer): they are compared to within half a
// second, then taken from ip's read so the rest can be compared exactly.
const TIMER = /_timer$/;

function alignTimers(t: Test, mine: Record<string, unknown> | undefined, theirs: Record<string, unknown> | undefined, where: string): void {
  if (!mine || !theirs) return;
  for (const key of Object.keys(theirs)) {
    if (!TIMER.test(key)) continue;
    const a = mine[key];
    const b = theirs[key];
    t.ok(typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 0.5, `${where}.${key}: nlkit ${String(a)} vs ip ${String(b)}`);
    if (key in mine) mine[key] = b;
  }
}

/**
 * Reads `dev` with nlkit's get and with ip, and compares linkToIpJson of the
 * first with the second field by field. `names` are the namespace's links (for
 * master/link names); by default nlkit lists them.
 */
export function compareWithIp(t: Test, ctx: Links, netns: string, dev: string, names?: Link[]): Link {
  const link = ctx.links.get(dev);
  const theirs = ipShow(netns, dev);
  const mine = linkToIpJson(link, names ?? ctx.links.list());
  const info = (o: Record<string, any>) => o.linkinfo as Record<string, any> | undefined;
  alignTimers(t, info(mine)?.info_data, info(theirs)?.info_data, `${dev} info_data`);
  alignTimers(t, info(mine)?.info_slave_data, info(theirs)?.info_slave_data, `${dev} info_slave_data`);
  t.strictSame(mine, theirs, `${dev}: linkToIpJson(get) equals ip -j -d link show`);
  return link;
}
