// tun/tap devices created through /dev/net/tun (`ip tuntap add`), checked with
// ip -j -d link show and ip -j tuntap show, deleted with RTM_DELLINK, no fd left open.
import { readdirSync, readlinkSync } from 'node:fs';
import t from 'tap';
import { IFF_MULTI_QUEUE, IFF_NO_PI, IFF_TAP, IFF_TUN, IFF_TUN_EXCL, IFF_VNET_HDR } from '../../../src/generated/if_tun.js';
import { InvalidArgumentError } from '../../../src/netlink/addresses.js';
import { tunTapFlags, type TunInfo } from '../../../src/route/links/index.js';
import { LinkNotFoundError } from '../../../src/route/resolve.js';
import { SyscallError } from '../../../src/sys/errors.js';
import { ipJson, requireRoot, testNetns } from '../../helpers/netns.js';
import { compareWithIp, openLinks } from './helpers.js';

/** Open fds of /dev/net/tun and namespace files: what creating a tun/tap opens and must close. */
function tunAndNetnsFds(): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target === '/dev/net/tun' || target.startsWith('net:[')) out.push(`${fd} -> ${target}`);
    } catch {
      // closed meanwhile
    }
  }
  return out.sort();
}

const threadNetns = () => readlinkSync('/proc/thread-self/ns/net');

t.test('specs become the TUNSETIFF flags ip tuntap add uses', async (t) => {
  t.equal(tunTapFlags({ name: 't0', mode: 'tun' }), IFF_TUN | IFF_NO_PI | IFF_TUN_EXCL);
  t.equal(tunTapFlags({ name: 't0', mode: 'tun', pi: true }), IFF_TUN | IFF_TUN_EXCL);
  t.equal(tunTapFlags({ name: 't0', mode: 'tap', vnetHdr: true, multiQueue: true }), IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE | IFF_TUN_EXCL);
  const bad: [unknown, RegExp][] = [
    [{ name: 't0' }, /mode must be one of "tun", "tap"/],
    [{ name: 'tap%d', mode: 'tap' }, /not a pattern/],
    [{ name: 'a-name-much-too-long', mode: 'tap' }, /at most 15/],
    [{ name: 't0', mode: 'tap', user: -1 }, /user must be an integer/],
    [{ name: 't0', mode: 'tap', multiqueue: true }, /has no field "multiqueue"/],
    [{ name: 't0', mode: 'tap', pi: 1 }, /pi must be true or false/],
  ];
  for (const [spec, message] of bad) t.throws(() => tunTapFlags(spec), { constructor: InvalidArgumentError, message }, JSON.stringify(spec));
});

t.test('tun and tap devices: create, compare with ip, delete, no fd left open', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'tuntap');
  const c = openLinks(t, ns!);
  const fdsBefore = tunAndNetnsFds();
  const netnsBefore = threadNetns();

  // A uid and gid without names here: ip prints them as numbers, as nlkit does.
  c.links.addTunTap({ name: 'tap0', mode: 'tap', multiQueue: true, vnetHdr: true, user: 54321, group: 54322 });
  await c.links.addTunTapAsync({ name: 'tun0', mode: 'tun', pi: true });
  t.equal(threadNetns(), netnsBefore, 'the thread is back in its own namespace');
  t.strictSame(tunAndNetnsFds(), fdsBefore, 'no /dev/net/tun or namespace fd left open');

  const tap0 = compareWithIp(t, c, ns!, 'tap0');
  t.match(tap0.info as TunInfo, { type: 'tap', pi: false, vnetHdr: true, persist: true, multiQueue: true, owner: 54321, group: 54322 });
  const tun0 = compareWithIp(t, c, ns!, 'tun0');
  t.match(tun0.info as TunInfo, { type: 'tun', pi: true, vnetHdr: false, persist: true, multiQueue: false });
  t.equal(tun0.linkType, 'none', 'a tun device has no link layer');
  const shown = ipJson<{ ifname: string; flags: string[]; user?: number; group?: number }[]>(ns!, 'tuntap', 'show');
  t.strictSame(shown.find((d) => d.ifname === 'tap0'), { ifname: 'tap0', flags: ['tap', 'multi_queue', 'vnet_hdr', 'persist'], user: 54321, group: 54322 });
  t.strictSame(shown.find((d) => d.ifname === 'tun0'), { ifname: 'tun0', flags: ['tun', 'pi', 'persist', 'filter'] });

  // Used like any link: up, mtu, then deleted with RTM_DELLINK.
  c.links.set('tap0', { up: true, mtu: 9000 });
  t.equal(c.links.get('tap0').mtu, 9000);

  // A name that is taken, by a tun/tap or another kind of link: EBUSY (IFF_TUN_EXCL); nothing leaks.
  t.throws(() => c.links.addTunTap({ name: 'tap0', mode: 'tap' }), { constructor: SyscallError, code: 'EBUSY' });
  c.links.add({ name: 'v0', type: 'veth', peer: { name: 'v0p' } });
  t.throws(() => c.links.addTunTap({ name: 'v0', mode: 'tap' }), { constructor: SyscallError, code: 'EBUSY' });
  t.strictSame(tunAndNetnsFds(), fdsBefore, 'failures close what they opened');
  t.equal(threadNetns(), netnsBefore);

  c.links.delete('tap0');
  await c.links.deleteAsync('tun0');
  t.throws(() => c.links.get('tap0'), LinkNotFoundError);
  t.strictSame(ipJson(ns!, 'tuntap', 'show'), [], 'ip sees none left');
});
