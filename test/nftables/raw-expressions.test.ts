// Issue 11: expressions listed by nlkit (decoded or kept raw) must re-add unchanged:
// load with nft, list with nlkit, flush, re-create, identical `nft list ruleset`.
// Each case in a namespace of its own.
import t from 'tap';
import { requireRoot } from '../helpers/netns.js';
import { roundTrip } from './helpers.js';

function chain(family: string, hook: string, priority: string, ...rules: string[]): string {
  return `
table ${family} f {
	chain c {
		type filter hook ${hook} priority ${priority}; policy accept;
${rules.map((r) => `\t\t${r}`).join('\n')}
	}
}
`;
}

const cases: [string, string][] = [
  ['exthdr tcp option write (the kernel refuses NFTA_EXTHDR_FLAGS on writes)', chain('inet', 'forward', 'mangle',
    'tcp flags syn tcp option maxseg size set 1360',
    'tcp option maxseg size set rt mtu')],
  ['exthdr tcp option reset (strip: the kernel refuses offset, len and flags)', chain('inet', 'forward', 'mangle',
    'reset tcp option sack-perm',
    'tcp dport 22 reset tcp option timestamp')],
  ['exthdr reads and exists', chain('inet', 'prerouting', 'mangle',
    'ip option rr exists',
    'tcp option sack-perm exists',
    'tcp option maxseg size 1400',
    'tcp option 99 exists',
    'tcp option mptcp subtype 1',
    'exthdr hbh exists',
    'exthdr frag exists',
    'sctp chunk init exists',
    'meta ipsec exists')],
  ['osf (flags 0 is refused; only version sends flags)', chain('inet', 'input', 'filter',
    'osf name "Linux"',
    'osf ttl skip name "Linux"',
    'osf ttl loose version "Linux:4.19"',
    'osf ttl skip version "Linux:4.19" accept')],
  ['socket, tproxy', chain('inet', 'prerouting', 'mangle',
    'socket transparent 1',
    'socket mark 0x00000005',
    'meta l4proto tcp tproxy ip to 127.0.0.1:8080',
    'meta l4proto tcp tproxy ip6 to [::1]:8080')],
  ['numgen, hash, rt, xfrm, connlimit', chain('inet', 'postrouting', 'filter',
    'numgen inc mod 2 0',
    'numgen random mod 4 offset 1 2',
    'jhash ip saddr mod 2 seed 0xdead 1',
    'symhash mod 2 0',
    'rt ip nexthop 1.2.3.4',
    'rt mtu 1400',
    'ipsec out reqid 1',
    'ct count over 5')],
  ['synproxy, numgen and hash as values', chain('inet', 'input', 'filter',
    'tcp flags syn synproxy mss 1460 wscale 7 timestamp sack-perm',
    'meta mark set numgen inc mod 2',
    'ct mark set jhash ip saddr mod 4')],
  ['dup', chain('ip', 'prerouting', 'mangle', 'dup to 1.2.3.4', 'dup to 1.2.3.4 device "lo"')],
];

for (const [name, text] of cases) {
  t.test(name, async (t) => {
    if (!requireRoot(t)) return;
    roundTrip(t, text);
  });
}

t.test('fwd (netdev)', async (t) => {
  if (!requireRoot(t)) return;
  roundTrip(t, `
table netdev f {
	chain c {
		type filter hook ingress device "lo" priority filter; policy accept;
		fwd to "lo"
		ip daddr 1.2.3.4 fwd ip to 1.2.3.5 device "lo"
	}
}
`);
});
