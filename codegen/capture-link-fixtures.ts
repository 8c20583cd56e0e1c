// Regenerates fixtures/route/links/*.json from this kernel: the raw RTM_NEWLINK
// reply nlkit receives for a link, next to what `ip -j -d link show dev X`
// prints for it. Run as root:
//   node --import tsx codegen/capture-link-fixtures.ts
// Everything happens in two namespaces created here and deleted at the end.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { RTEXT_FILTER_VF, RTM_GETLINK } from '../src/generated/rtnetlink.js';
import { NETLINK_ROUTE } from '../src/generated/netlink.js';
import type { Message } from '../src/netlink/message.js';
import { NLMSG_HDRLEN } from '../src/netlink/writer.js';
import { createNetns, deleteNetns, netnsExists } from '../src/netns/index.js';
import { openNetlinkSocket } from '../src/netns/socket.js';
import { LinkService, encodeLinkRequest } from '../src/route/links/index.js';

const OUT = 'fixtures/route/links';
const host = `nlkt-capture-${process.pid}-host`;
const pod = `nlkt-capture-${process.pid}-pod`;

const ip = (ns: string, ...args: string[]) => execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' });

for (const ns of [host, pod]) createNetns(ns);
const socket = openNetlinkSocket(NETLINK_ROUTE, { netns: host });
try {
  const links = new LinkService({ socket, label: `netns ${host}` });
  links.set('lo', { up: true });
  links.add({ name: 'br0', type: 'bridge', up: true, forwardDelay: 1000, helloTime: 300, priority: 4096, mcastQuerier: true, groupFwdMask: 8 });
  links.add({ name: 'vh1', type: 'veth', master: 'br0', up: true, mtu: 1400, peer: { name: 'eth0', netns: pod, up: true } });
  links.add({ name: 'lower', type: 'veth', peer: { name: 'lowerp' } });
  links.add({ name: 'mv0', type: 'macvlan', link: 'lower', mode: 'bridge', bcqueuelen: 500 });
  links.add({ name: 'vx0', type: 'vxlan', id: 4242, dstport: 4789, local: '10.9.0.1', remote: '10.9.0.2', ttl: 64, srcport: [40000, 50000], learning: false, alias: 'overlay to 10.9.0.2' });
  links.add({ name: 'vx6', type: 'vxlan', id: 7, link: 'lower', local: 'fd00::1', remote: 'fd00::2', label: 0x12345, tos: 'inherit', df: 'inherit' });
  links.add({ name: 'ifb0', type: 'ifb', group: 7, txqueuelen: 100 });
  // tun/tap exist only through /dev/net/tun; ip makes one for the decoder's sake.
  ip(host, 'tuntap', 'add', 'tap0', 'mode', 'tap', 'multi_queue');

  const raw = (name: string): Buffer => {
    const request = {
      type: RTM_GETLINK,
      encode: (w: Parameters<typeof encodeLinkRequest>[0]) => encodeLinkRequest(w, { name, extMask: RTEXT_FILTER_VF }),
    };
    const copy = (m: Message) => Buffer.from(m.buf.subarray(m.offset - NLMSG_HDRLEN, m.end));
    return socket.execute(request, { operation: 'capture link', object: name }, copy)[0]!;
  };
  const show = (name: string) => JSON.parse(ip(host, '-j', '-d', 'link', 'show', 'dev', name))[0];

  const names = ['lo', 'br0', 'vh1', 'lower', 'lowerp', 'mv0', 'vx0', 'vx6', 'ifb0', 'tap0'];
  // Running timers change between two reads; take the bytes between two ip
  // reads that agree, so bytes and ip output describe one state.
  const capture = (name: string) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const before = show(name);
      const bytes = raw(name);
      const after = show(name);
      if (JSON.stringify(before) === JSON.stringify(after)) return { name, hex: bytes.toString('hex'), ip: after };
    }
    throw new Error(`${name} kept changing between reads`);
  };
  const context = names.map((name) => ({ name, hex: raw(name).toString('hex') }));
  const meta = { kernel: release(), iproute2: execFileSync('ip', ['-V'], { encoding: 'utf8' }).trim() };
  const files: Record<string, string[]> = { lo: ['lo'], veth: ['vh1', 'lower'], bridge: ['br0'], macvlan: ['mv0'], vxlan: ['vx0', 'vx6'], ifb: ['ifb0'], tun: ['tap0'] };
  mkdirSync(OUT, { recursive: true });
  const about = 'RTM_NEWLINK replies (hex, nlmsghdr included) to RTM_GETLINK with IFLA_EXT_MASK RTEXT_FILTER_VF';
  writeFileSync(`${OUT}/namespace.json`, `${JSON.stringify({ ...meta, about: `${about}: every link of the capturing namespace, which ip looks up for names of masters and lower links`, links: context }, null, 2)}\n`);
  for (const [file, members] of Object.entries(files)) {
    const fixture = { ...meta, about: `${about}, and \`ip -j -d link show dev NAME\` of the same state`, links: members.map(capture) };
    writeFileSync(`${OUT}/${file}.json`, `${JSON.stringify(fixture, null, 2)}\n`);
    console.log(`wrote ${OUT}/${file}.json`);
  }
} finally {
  socket.close();
  for (const ns of [host, pod]) if (netnsExists(ns)) deleteNetns(ns);
}
