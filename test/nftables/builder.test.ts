// The rule builder against nft itself: the same rule text loaded by `nft -f`
// and built by nlkit gives the same expressions, the same `nft list` text and
// the same `nft -j` JSON.
import t from 'tap';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { openNftables, parseRule, rule, type NftFamily, type Rule } from '../../src/nftables/index.js';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { hexJson, nft, nftJson, nftLoad } from './helpers.js';

type Kind = 'filter' | 'dnat' | 'snat' | 'ingress';

/** [family, chain kind, rule text]. */
const CASES: [NftFamily, Kind, string][] = [
  ['ip', 'filter', 'ip saddr 10.88.0.0/16 tcp dport 8080 counter packets 0 bytes 0 accept'],
  ['ip', 'filter', 'ip saddr 10.0.0.0/20'],
  ['ip', 'filter', 'ip saddr != 10.0.0.0/8 drop'],
  ['ip', 'filter', 'ip saddr 0.0.0.0/1'],
  ['ip', 'filter', 'ip daddr 10.0.0.1-10.0.0.9'],
  ['ip', 'filter', 'ip daddr != 10.0.0.1-10.0.0.9'],
  ['ip', 'filter', 'ip daddr { 10.0.0.0/8, 192.168.0.1-192.168.0.9 } accept'],
  ['ip', 'filter', 'ip protocol tcp tcp dport 22'],
  ['ip', 'filter', 'ip ttl 1 drop'],
  ['ip', 'filter', 'tcp dport 1000-2000'],
  ['ip', 'filter', 'tcp dport != 1000-2000'],
  ['ip', 'filter', 'tcp dport < 1024'],
  ['ip', 'filter', 'tcp dport >= 30000'],
  ['ip', 'filter', 'udp sport 53'],
  ['ip', 'filter', 'tcp dport { 80, 443 } accept'],
  ['ip', 'filter', 'tcp dport != { 1000-2000, 3000 } drop'],
  ['ip', 'filter', 'ct state new'],
  ['ip', 'filter', 'ct state established,related accept'],
  ['ip', 'filter', 'ct state != established'],
  ['ip', 'filter', 'ct status dnat'],
  ['ip', 'filter', 'ct mark 0x00000005'],
  ['ip', 'filter', 'ct mark set 0x00000007'],
  ['ip', 'filter', 'ct zone 3'],
  ['ip', 'filter', 'ct direction original'],
  ['ip', 'filter', 'meta mark 0x00000010'],
  ['ip', 'filter', 'meta mark set 0x00000010'],
  ['ip', 'filter', 'iifname "veth*" accept'],
  ['ip', 'filter', 'oifname "eth0"'],
  ['ip', 'filter', 'oifname != "eth0"'],
  ['ip', 'filter', 'iif 1'],
  ['ip', 'filter', 'meta l4proto icmp'],
  ['ip', 'filter', 'meta skuid 1000'],
  ['ip', 'filter', 'counter packets 0 bytes 0 drop'],
  ['ip', 'filter', 'jump other'],
  ['ip', 'filter', 'goto other'],
  ['ip', 'filter', 'return'],
  ['ip', 'filter', 'continue'],
  ['ip', 'filter', 'reject'],
  ['ip', 'filter', 'reject with tcp reset'],
  ['ip', 'filter', 'limit rate 10/second'],
  ['ip', 'filter', 'limit rate over 100/minute burst 20 packets drop'],
  ['ip', 'filter', 'log prefix "hey " level info'],
  ['ip', 'filter', 'log'],
  ['ip', 'filter', 'log group 2'],
  ['ip', 'filter', 'quota 1000 bytes'],
  ['ip', 'filter', 'quota over 10 mbytes drop'],
  ['ip', 'filter', 'fib daddr type local'],
  ['ip', 'filter', 'notrack'],
  ['ip', 'filter', 'ip saddr @allowed accept'],
  ['ip', 'filter', 'ip saddr != @allowed drop'],
  ['ip', 'filter', 'tcp dport 22 counter packets 0 bytes 0 accept comment "ssh in"'],
  ['ip', 'filter', 'ether type ip6'],
  ['inet', 'filter', 'ip saddr 10.0.0.0/8 tcp dport 80 accept'],
  ['inet', 'filter', 'ip6 daddr fd00::/64 udp dport 53'],
  ['inet', 'filter', 'ip6 saddr fd00::/60'],
  ['inet', 'filter', 'ip6 saddr { fd00::/64, fd01::1 } drop'],
  ['inet', 'filter', 'reject'],
  ['inet', 'filter', 'reject with icmpx admin-prohibited'],
  ['inet', 'filter', 'meta nfproto ipv4 ip saddr 1.2.3.4'],
  ['inet', 'filter', 'ip saddr 10.0.0.0/8 ip daddr 10.0.0.0/8 drop'],
  ['inet', 'filter', 'meta l4proto { tcp, udp } th dport 53 accept'],
  ['inet', 'filter', 'ether saddr 02:00:00:00:00:01 drop'],
  ['ip6', 'filter', 'ip6 saddr fd00::1 tcp dport 22'],
  ['ip6', 'filter', 'ip6 nexthdr udp udp dport 53'],
  ['ip6', 'filter', 'reject'],
  ['bridge', 'filter', 'ip saddr 10.0.0.1'],
  ['bridge', 'filter', 'tcp dport 22'],
  ['bridge', 'filter', 'ether daddr 02:00:00:00:00:01 drop'],
  ['bridge', 'filter', 'meta protocol ip6 ip6 saddr fd00::1 drop'],
  ['netdev', 'ingress', 'ether saddr 02:00:00:00:00:01 drop'],
  ['netdev', 'ingress', 'ip daddr 10.0.0.1 drop'],
  ['ip', 'dnat', 'tcp dport 8080 dnat to 10.0.0.2:80'],
  ['ip', 'dnat', 'tcp dport 8080 dnat to 10.0.0.2'],
  ['ip', 'dnat', 'ip daddr 192.168.1.1 tcp dport 8080 dnat to 10.0.0.2-10.0.0.5:80-90'],
  ['ip', 'dnat', 'tcp dport 80 redirect to :8080'],
  ['ip', 'dnat', 'redirect'],
  ['ip', 'snat', 'ip saddr 10.88.0.0/16 oifname "eth0" masquerade'],
  ['ip', 'snat', 'masquerade random,persistent'],
  ['ip', 'snat', 'meta l4proto tcp masquerade to :1000-2000'],
  ['ip', 'snat', 'meta l4proto tcp masquerade to :1000'],
  ['ip', 'snat', 'snat to 1.2.3.4'],
  ['ip', 'snat', 'snat to 1.2.3.4 fully-random'],
  ['inet', 'dnat', 'tcp dport 8080 dnat ip to 10.0.0.2:80'],
  ['inet', 'dnat', 'meta nfproto ipv6 tcp dport 8080 dnat ip6 to [fd00::2]:80'],
  ['inet', 'dnat', 'fib daddr type local tcp dport 8080 dnat ip to 10.88.1.2:80'],
];

const HOOKS: Record<Kind, string> = {
  filter: '',
  dnat: 'type nat hook prerouting priority dstnat; policy accept;',
  snat: 'type nat hook postrouting priority srcnat; policy accept;',
  ingress: 'type filter hook ingress device "lo" priority filter; policy accept;',
};

function chainSpec(family: NftFamily, kind: Kind, table: string, name: string) {
  if (kind === 'filter') return { family, table, name };
  if (kind === 'ingress') return { family, table, name, type: 'filter' as const, hook: 'ingress' as const, priority: 0, device: 'lo', policy: 'accept' as const };
  return { family, table, name, type: 'nat' as const, hook: kind === 'dnat' ? 'prerouting' as const : 'postrouting' as const, priority: kind === 'dnat' ? 'dstnat' : 'srcnat', policy: 'accept' as const };
}

/** nft's rule lines per "family table chain", from `nft list ruleset`. */
function linesByChain(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let table = '';
  let chain = '';
  for (const line of text.split('\n')) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^table (\S+ \S+) \{/))) table = m[1]!;
    else if ((m = line.match(/^\tchain (\S+) \{/))) chain = m[1]!;
    else if (line.startsWith('\t\t') && !/^\t\ttype \w+ hook/.test(line)) out.set(`${table} ${chain}`, [...(out.get(`${table} ${chain}`) ?? []), line.trim()]);
  }
  return out;
}

const normalize = (x: unknown) => JSON.parse(hexJson(x).replace(/"__set(\d+|%d)"/g, '"__set"').replace(/,"setId":\d+/g, ''));

t.test('the builder makes what nft makes, for every case, in every family', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'nftbuild');
  const families = [...new Set(CASES.map(([f]) => f))];
  // nft loads each case into chain n<i>; nlkit builds the same text into chain m<i>.
  let file = '';
  for (const family of families) {
    file += `table ${family} t {\n`;
    if (family === 'ip' || family === 'inet') file += '\tset allowed {\n\t\ttype ipv4_addr\n\t}\n';
    file += '\tchain other {\n\t}\n';
    CASES.forEach(([f, kind, text], i) => {
      if (f === family) file += `\tchain n${i} {\n\t\t${HOOKS[kind]}\n\t\t${text.replace(/counter packets 0 bytes 0/, 'counter')}\n\t}\n`;
    });
    file += '}\n';
  }
  nftLoad(ns!, file);
  const conn = openNftables({ netns: ns! });
  t.teardown(() => conn.close());
  const tx = conn.transaction();
  CASES.forEach(([family, kind, text], i) => {
    tx.addChain(chainSpec(family, kind, 't', `m${i}`));
    tx.addRule({ family, table: 't', chain: `m${i}`, rule: parseRule(text) });
  });
  tx.commit();

  const rules = new Map<string, Rule>(conn.listRules().map((r) => [`${r.family} ${r.chain}`, r]));
  const lines = linesByChain(nft(ns!, 'list', 'ruleset'));
  const json = nftJson(ns!).filter((o) => o.rule).map((o) => o.rule);
  CASES.forEach(([family, , text], i) => {
    const theirs = rules.get(`${family} n${i}`)!;
    const mine = rules.get(`${family} m${i}`)!;
    const built = parseRule(text).expressions(family);
    t.same(normalize(built), normalize(theirs.expressions), `[${family}] ${text}: builder output = nft's expressions as the kernel keeps them`);
    t.same(normalize(mine.expressions), normalize(theirs.expressions), `[${family}] ${text}: nlkit's rule in the kernel = nft's`);
    t.equal(mine.comment, theirs.comment);
    // nft prints its own rule back (eliding implied dependencies, naming interface 1 "lo"); nlkit's must print the same.
    t.same(lines.get(`${family} t m${i}`), lines.get(`${family} t n${i}`), `[${family}] ${text}: nft list prints nlkit's rule as it prints its own`);
    const jsonOf = (chain: string) => json.filter((r) => r.family === family && r.chain === chain).map(({ expr, comment }) => ({ expr, comment }));
    t.same(JSON.parse(JSON.stringify(jsonOf(`m${i}`)).replace(/__set\d+/g, '__set')), JSON.parse(JSON.stringify(jsonOf(`n${i}`)).replace(/__set\d+/g, '__set')), `[${family}] ${text}: nft -j agrees`);
  });
});

t.test('the fluent vocabulary reads like nft and equals the parsed text', async (t) => {
  const pairs: [string, ReturnType<typeof rule>][] = [
    ['ip saddr 10.88.0.0/16 tcp dport 8080 counter accept', rule().ip.saddr('10.88.0.0/16').tcp.dport(8080).counter().accept()],
    ['ct state established,related accept', rule().ct.state('established', 'related').accept()],
    ['tcp dport != { 1000-2000, 3000 } drop', rule().tcp.dport('!=', ['1000-2000', 3000]).drop()],
    ['iifname "veth*" oifname != "eth0" jump pods', rule().iifname('veth*').oifname('!=', 'eth0').jump('pods')],
    ['fib daddr type local tcp dport 8080 dnat ip to 10.88.1.2:80', rule().fib('daddr', 'type', 'local').tcp.dport(8080).dnat('10.88.1.2:80')],
    ['meta l4proto tcp masquerade to :1000-2000 random', rule().meta.l4proto('tcp').masquerade({ ports: '1000-2000', random: true })],
    ['limit rate over 5/minute burst 2 packets log prefix "x" drop', rule().limit({ rate: 5, per: 'minute', burst: 2, over: true }).log({ prefix: 'x' }).drop()],
  ];
  for (const family of ['ip', 'inet'] as const) {
    for (const [text, built] of pairs) t.same(normalize(built.expressions(family)), normalize(parseRule(text).expressions(family)), `${family}: ${text}`);
  }
  t.equal(rule().accept().comment('c').ruleComment, 'c');
});

t.test('the builder refuses what nft would refuse, before anything is sent', async (t) => {
  const cases: [() => unknown, RegExp][] = [
    [() => rule().ip.saddr('10.0.0.0/33').expressions('ip'), /prefix \/33 is longer than 32 bits/],
    [() => rule().ip.saddr('fd00::1').expressions('ip'), /is not an IPv4 address/],
    [() => rule().ip.saddr('10.0.0.1').expressions('ip6'), /ip saddr cannot match in a ip6 table/],
    [() => rule().tcp.dport('<', '1000-2000').expressions('ip'), /a range takes == or !=, not </],
    [() => rule().tcp.dport(70000).expressions('ip'), /tcp dport must be an integer 0-65535/],
    [() => rule().ct.state('sleepy').expressions('ip'), /ct state must be an integer .* or one of invalid, established, related, new, untracked/],
    [() => rule().dnat('fd00::1').expressions('ip'), /an IPv6 address in an ip table/],
    [() => rule().dnat('nowhere'), /does not start with an IPv4 or IPv6 address/],
    [() => rule().masquerade({ ports: '2000-1000' }).expressions('ip'), /starts after it ends/],
    [() => rule().jump(''), /jump target chain name must not be empty/],
    [() => rule().limit({ rate: 1, per: 'fortnight' as 'week' }), /limit per "fortnight"/],
    [() => (rule().tcp.dport as (...a: unknown[]) => unknown)('~', 22), /takes a value, or an operator/],
    [() => parseRule('ip saddr 10.0.0.1 frobnicate'), /"frobnicate" is not in the supported nft subset/],
    [() => parseRule('ip daddr . tcp dport @services'), /concatenations are not in the supported nft subset/],
    [() => parseRule('tcp dport'), /ends where a value was expected/],
    [() => parseRule('log prefix "unterminated'), /unterminated string/],
  ];
  for (const [fn, message] of cases) t.throws(fn, { name: 'InvalidArgumentError', message }, String(message));
  t.throws(() => rule().reject({ with: 'bad' as 'tcp reset' }).expressions('ip'), InvalidArgumentError);
});
