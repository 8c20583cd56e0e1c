// Random topologies built with `ip -batch`, read back with `nlkit -j -d` and
// `ip -j -d`: links, addresses, routes of every table, both families.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskAddressJson, maskLinkJson, maskRouteJson } from '../helpers/volatile.js';
import { ipRun, nlkit } from './helpers.js';
import { seededRandom } from '../helpers/random.js';


/** The `ip -batch` lines of one random topology. */
export function randomTopology(seed: number): string[] {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const lines = ['link set lo up'];
  const devices: string[] = [];
  const bridges = 1 + Math.floor(r() * 2);
  for (let b = 0; b < bridges; b++) {
    lines.push(`link add br${b} type bridge stp_state 0 forward_delay ${400 + Math.floor(r() * 1000)} ageing_time ${1000 + Math.floor(r() * 30000)}`, `link set br${b} up`);
    devices.push(`br${b}`);
  }
  const pairs = 1 + Math.floor(r() * 4);
  for (let p = 0; p < pairs; p++) {
    lines.push(`link add ve${p} mtu ${pick([1500, 1450, 9000])} type veth peer name vp${p}`, `link set ve${p} up`);
    if (r() < 0.7) lines.push(`link set vp${p} up`);
    if (r() < 0.5) lines.push(`link set ve${p} master ${pick(devices.filter((d) => d.startsWith('br')))}`);
    devices.push(`ve${p}`, `vp${p}`);
  }
  if (r() < 0.6) {
    lines.push(`link add mv0 link vp0 type macvlan mode ${pick(['bridge', 'vepa', 'private'])}`);
    devices.push('mv0');
  }
  if (r() < 0.5) lines.push(`link add vx0 type vxlan id ${1 + Math.floor(r() * 1000)} dstport 4789 ${r() < 0.5 ? 'nolearning' : ''}`);
  let subnet = 1;
  for (const dev of devices) {
    const count = Math.floor(r() * 3);
    for (let k = 0; k < count; k++) {
      lines.push(`addr add 10.${subnet}.${k}.1/24 dev ${dev}`);
      if (r() < 0.4) lines.push(`addr add fd00:${subnet}:${k}::1/64 dev ${dev} nodad`);
    }
    if (count > 0) {
      const routes = Math.floor(r() * 4);
      for (let k = 0; k < routes; k++) {
        const table = pick(['', ' table 100', ' table 200']);
        const metric = pick(['', ' metric 10', ' metric 300']);
        const proto = pick(['', ' proto static', ' proto 42']);
        lines.push(`route add 172.${16 + subnet}.${k}.0/24 via 10.${subnet}.0.2 dev ${dev}${table}${metric}${proto}`);
      }
      if (r() < 0.3) lines.push(`route add blackhole 198.51.${subnet}.0/24`);
    }
    subnet++;
  }
  return lines;
}

const READS: { args: string[]; mask: (v: unknown) => unknown }[] = [
  { args: ['-d', 'link', 'show'], mask: maskLinkJson },
  { args: ['-d', 'addr', 'show'], mask: maskAddressJson },
  { args: ['route', 'show', 'table', 'all'], mask: maskRouteJson },
  { args: ['-6', 'route', 'show', 'table', 'all'], mask: maskRouteJson },
];

t.test('random topologies: nlkit -j -d equals ip -j -d', async (t) => {
  if (!requireRoot(t)) return;
  for (let seed = 1; seed <= 6; seed++) {
    await t.test(`seed ${seed}`, async (t) => {
      const [ns] = testNetns(t, 1, 'clirand');
      execFileSync('ip', ['netns', 'exec', ns!, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
      // -force: a route through a link without carrier is refused; the topology is what it is.
      ipRun(['-n', ns!, '-force', '-batch', '-'], randomTopology(seed).join('\n') + '\n');
      for (const { args, mask } of READS) {
        // Carrier and operstate settle asynchronously (linkwatch): read until ip reads the same before and after.
        let theirs: unknown;
        let mine: unknown;
        for (let attempt = 0; attempt < 20; attempt++) {
          const before = JSON.stringify(mask(JSON.parse(ipRun(['-n', ns!, '-j', ...args]).stdout)));
          mine = mask(JSON.parse((await nlkit(['-n', ns!, '-j', ...args])).stdout));
          const after = JSON.stringify(mask(JSON.parse(ipRun(['-n', ns!, '-j', ...args]).stdout)));
          theirs = JSON.parse(after);
          if (before === after) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        t.same(mine, theirs, args.join(' '));
      }
    });
  }
});
