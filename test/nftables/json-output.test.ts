// Issue 11: nlkit's listing printed as `nft -j list ruleset` prints it. Kernel
// part: every corpus file and the rulesets below are loaded with nft in a
// namespace of their own, listed through nlkit and rendered; every entry nlkit
// renders must equal nft's (handles, metainfo and expiry countdowns aside), and
// what nlkit cannot render yet must be refused with NftJsonUnsupportedError,
// never guessed. No-root part: the renderer pieces on hand-built listings.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { openRoute } from '../../src/index.js';
import {
  NftJsonUnsupportedError, rulesetToNftJson, type Expression, type NftJsonEntry, type Rule, type Ruleset,
} from '../../src/nftables/index.js';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { comparableJson, corpusFiles, prepareCorpusNetns } from './corpus.js';
import { nftJson, nftLoad, openFor } from './helpers.js';

// ---- no root: the renderer on hand-built listings ----------------------------

const hex = (s: string) => Buffer.from(s, 'hex');

function rulesetOf(family: Rule['family'], expressions: Expression[], sets: Ruleset['sets'] = []): Ruleset {
  return {
    generation: 1,
    tables: [{ family, name: 't', handle: 1, use: 1, flags: [] }],
    chains: [{ family, table: 't', name: 'c', handle: 2, use: 1 }],
    sets,
    objects: [],
    flowtables: [],
    rules: [{ family, table: 't', chain: 'c', handle: 3, expressions }],
  };
}

function statements(family: Rule['family'], expressions: Expression[], sets: Ruleset['sets'] = []): unknown {
  const out = rulesetToNftJson(rulesetOf(family, expressions, sets)).nftables;
  return (out.find((e) => 'rule' in e) as { rule: { expr: unknown } }).rule.expr;
}

const tcpDport = (port: string): Expression[] => [
  { kind: 'meta', key: 'l4proto', dreg: 1 }, { kind: 'cmp', sreg: 1, op: 'eq', data: hex('06') },
  { kind: 'payload', dreg: 1, base: 'transport', offset: 2, length: 2 }, { kind: 'cmp', sreg: 1, op: 'eq', data: hex(port) },
];
const accept: Expression = { kind: 'immediate', dreg: 0, verdict: { code: 'accept' } };

t.test('the first entry is nlkit metainfo, then table, chain, rule', async (t) => {
  const out = rulesetToNftJson(rulesetOf('inet', [accept])).nftables;
  t.same(out, [
    { metainfo: { version: 'nlkit', release_name: 'nlkit', json_schema_version: 1 } },
    { table: { family: 'inet', name: 't', handle: 1 } },
    { chain: { family: 'inet', table: 't', name: 'c', handle: 2 } },
    { rule: { family: 'inet', table: 't', chain: 'c', handle: 3, expr: [{ accept: null }] } },
  ]);
});

t.test('dependencies nft adds itself are left out: meta l4proto before tcp dport', async (t) => {
  t.same(statements('inet', [...tcpDport('0016'), accept]), [
    { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 22 } }, { accept: null },
  ]);
  // Without a header that needs it, the l4proto match stays.
  t.same(statements('inet', [tcpDport('0016')[0]!, tcpDport('0016')[1]!]), [
    { match: { op: '==', left: { meta: { key: 'l4proto' } }, right: 'tcp' } },
  ]);
  // `ip protocol tcp` stays in inet tables and goes in ip tables, as nft prints it.
  const ipProtocol: Expression[] = [
    { kind: 'payload', dreg: 1, base: 'network', offset: 9, length: 1 }, { kind: 'cmp', sreg: 1, op: 'eq', data: hex('06') },
    tcpDport('0016')[2]!, tcpDport('0016')[3]!,
  ];
  t.equal((statements('ip', ipProtocol) as unknown[]).length, 1, 'ip: ip protocol tcp left out');
  const inet: Expression[] = [{ kind: 'meta', key: 'nfproto', dreg: 1 }, { kind: 'cmp', sreg: 1, op: 'eq', data: hex('02') }, ...ipProtocol];
  t.same(statements('inet', inet), [
    { match: { op: '==', left: { payload: { protocol: 'ip', field: 'protocol' } }, right: 'tcp' } },
    { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 22 } },
  ], 'inet: meta nfproto goes, ip protocol stays');
});

t.test('flags, prefixes, sub-byte fields and ranges print as nft prints them', async (t) => {
  t.same(statements('inet', [
    { kind: 'ct', dreg: 1, key: 'state' },
    { kind: 'bitwise', sreg: 1, dreg: 1, length: 4, op: 'bool', mask: hex('0a000000'), xor: hex('00000000') },
    { kind: 'cmp', sreg: 1, op: 'neq', data: hex('00000000') },
  ]), [{ match: { op: 'in', left: { ct: { key: 'state' } }, right: ['established', 'new'] } }], 'ct state established,new, lowest bit first');
  t.same(statements('ip', [
    { kind: 'payload', dreg: 1, base: 'network', offset: 12, length: 1 }, { kind: 'cmp', sreg: 1, op: 'neq', data: hex('0a') },
  ]), [{ match: { op: '!=', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: { prefix: { addr: '10.0.0.0', len: 8 } } } }], 'a short load is a prefix');
  t.same(statements('ip', [
    { kind: 'payload', dreg: 1, base: 'network', offset: 1, length: 1 },
    { kind: 'bitwise', sreg: 1, dreg: 1, length: 1, op: 'bool', mask: hex('fc'), xor: hex('00') },
    { kind: 'cmp', sreg: 1, op: 'eq', data: hex('b8') },
  ]), [{ match: { op: '==', left: { payload: { protocol: 'ip', field: 'dscp' } }, right: 'ef' } }], 'ip dscp is shifted out of its byte');
  t.same(statements('ip', [
    { kind: 'payload', dreg: 1, base: 'network', offset: 16, length: 4 },
    { kind: 'cmp', sreg: 1, op: 'gte', data: hex('0a000001') }, { kind: 'cmp', sreg: 1, op: 'lte', data: hex('0a000009') },
  ]), [{ match: { op: '==', left: { payload: { protocol: 'ip', field: 'daddr' } }, right: { range: ['10.0.0.1', '10.0.0.9'] } } }], 'two compares are a range');
  t.same(statements('inet', [
    { kind: 'meta', key: 'iifname', dreg: 1 }, { kind: 'cmp', sreg: 1, op: 'eq', data: Buffer.from('veth') },
  ]), [{ match: { op: '==', left: { meta: { key: 'iifname' } }, right: 'veth*' } }], 'a short ifname compare is a wildcard');
  t.same(statements('inet', [
    { kind: 'ct', dreg: 1, key: 'mark' },
    { kind: 'bitwise', sreg: 1, dreg: 1, length: 4, op: 'bool', mask: hex('0000ffff'), xor: hex('00000000') },
    { kind: 'cmp', sreg: 1, op: 'eq', data: hex('00000100') },
  ]), [{ match: { op: '==', left: { ct: { key: 'mark' } }, right: { prefix: { addr: 65536, len: 16 } } } }], 'a prefix mask on a mark is a prefix');
  t.same(statements('inet', [
    { kind: 'payload', dreg: 1, base: 'transport', offset: 0, length: 2 },
    { kind: 'bitwise', sreg: 1, dreg: 1, length: 2, op: 'bool', mask: hex('ff00'), xor: hex('0000') },
    { kind: 'cmp', sreg: 1, op: 'eq', data: hex('0100') },
  ]), [{ match: { op: '==', left: { '&': [{ payload: { protocol: 'th', field: 'sport' } }, 65280] }, right: 256 } }], 'on a header field it stays an and');
  const icmpv6Mtu: Expression[] = [
    { kind: 'meta', key: 'l4proto', dreg: 1 }, { kind: 'cmp', sreg: 1, op: 'eq', data: hex('3a') },
    { kind: 'payload', dreg: 1, base: 'transport', offset: 0, length: 1 }, { kind: 'cmp', sreg: 1, op: 'eq', data: hex('02') },
    { kind: 'payload', dreg: 1, base: 'transport', offset: 4, length: 4 }, { kind: 'cmp', sreg: 1, op: 'eq', data: hex('00000500') },
  ];
  t.same(statements('ip6', icmpv6Mtu), [{ match: { op: '==', left: { payload: { protocol: 'icmpv6', field: 'mtu' } }, right: 1280 } }],
    'icmpv6 mtu: the packet-too-big match names the field and goes');
});

t.test('anonymous sets print inline and sorted, named ones as @name, verdict maps as vmap', async (t) => {
  const anon = {
    family: 'inet' as const, table: 't', name: '__set0', handle: 9, type: 'inet_service', keyLength: 2, flags: ['anonymous' as const, 'constant' as const],
    elements: [{ key: 443 }, { key: 22 }, { key: 80 }],
  };
  const vmap = { ...anon, name: 'ports', flags: [], map: 'verdict', elements: [{ key: 22, data: { code: 'accept' as const } }] };
  const expr = statements('inet', [
    ...tcpDport('0016').slice(0, 3), { kind: 'lookup', set: '__set0', sreg: 1 },
    tcpDport('0016')[2]!, { kind: 'lookup', set: 'ports', sreg: 1, dreg: 0 },
  ], [anon, vmap]);
  t.same(expr, [
    { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: { set: [22, 80, 443] } } },
    { vmap: { key: { payload: { protocol: 'tcp', field: 'dport' } }, data: '@ports' } },
  ]);
  const out = rulesetToNftJson(rulesetOf('inet', [], [anon, vmap])).nftables;
  t.same(out.filter((e) => 'map' in e), [{ map: { family: 'inet', name: 'ports', table: 't', type: 'inet_service', handle: 9, map: 'verdict', elem: [[22, { accept: null }]] } }], 'only the named map is listed');
});

t.test('statements: nat ranges, limit and quota units, log flags, reject codes', async (t) => {
  t.same(statements('ip', [
    { kind: 'immediate', dreg: 1, data: hex('0a000000') }, { kind: 'immediate', dreg: 2, data: hex('0a0000ff') },
    { kind: 'nat', type: 'snat', family: 'ip', addrMin: 1, addrMax: 2, flags: ['map-ips', 'persistent'] },
  ]), [{ snat: { addr: { prefix: { addr: '10.0.0.0', len: 24 } }, flags: 'persistent' } }]);
  t.same(statements('inet', [
    { kind: 'limit', rate: 1048576, unit: 1, burst: 0, type: 'bytes', invert: false },
    { kind: 'quota', bytes: 10485760, over: true, consumed: 0 },
    { kind: 'log', level: 'warn', flags: ['tcp sequence', 'tcp options', 'ip options', 'skuid', 'ether'] },
    { kind: 'reject', type: 'icmpx-unreach', code: 3 },
  ]), [
    { limit: { rate: 1, burst: 0, per: 'second', rate_unit: 'mbytes', burst_unit: 'bytes' } },
    { quota: { val: 10, val_unit: 'mbytes', inv: true } },
    { log: { flags: 'all' } },
    { reject: { type: 'icmpx', expr: 'admin-prohibited' } },
  ]);
});

t.test('what nlkit cannot print yet is refused with a typed error naming the rule, never guessed', async (t) => {
  const rs = rulesetOf('inet', [{ kind: 'unknown', name: 'tunnel' }]);
  t.throws(() => rulesetToNftJson(rs), NftJsonUnsupportedError);
  t.throws(() => rulesetToNftJson(rs), { code: 'ENOTSUP', object: 'rule inet t c handle 3', message: /tunnel/ });
  const out = rulesetToNftJson(rs, { onUnsupported: (e) => ({ unsupported: { family: 'inet', name: e.message, table: 't', handle: 0 } }) }).nftables;
  t.equal(out.length, 4, 'onUnsupported puts its entry in the rule\'s place');
  t.match(out[3], { unsupported: { name: /tunnel/ } });
  // A bitwise on nothing loaded is a malformed listing: typed too.
  t.throws(() => rulesetToNftJson(rulesetOf('inet', [{ kind: 'cmp', sreg: 1, op: 'eq', data: hex('01') }])), NftJsonUnsupportedError);
});

t.test('sets: flags nft prints, timeouts in seconds, element objects, sorted by value', async (t) => {
  const set = {
    family: 'inet' as const, table: 't', name: 's', handle: 5, type: 'mark', keyLength: 4, flags: ['timeout' as const, 'dynamic' as const],
    timeout: 60_000, gcInterval: 30_000, size: 100, comment: 'c',
    elements: [{ key: 256 }, { key: 1, timeout: 10_000, expires: 9_500, comment: 'x', expressions: [{ kind: 'counter' as const, packets: 1, bytes: 2 }] }],
  };
  const out = rulesetToNftJson({ ...rulesetOf('inet', []), rules: [], sets: [set] }).nftables;
  t.same(out.find((e) => 'set' in e), {
    set: {
      family: 'inet', name: 's', table: 't', type: 'mark', handle: 5, comment: 'c', size: 100, flags: ['timeout'], timeout: 60, 'gc-interval': 30,
      elem: [{ elem: { val: 1, timeout: 10, expires: 9, comment: 'x', counter: { packets: 1, bytes: 2 } } }, 256],
    },
  });
});

// ---- the kernel: nlkit's JSON against nft -j --------------------------------

/** Rulesets of the nftables tests beyond the corpus, one per family mix. */
const EXTRA_RULESETS: Record<string, string> = {
  'inet statements': `
table inet t {
	set s4 { type ipv4_addr; }
	map vm { type inet_service : verdict; }
	map dm { type ipv4_addr : ipv4_addr; }
	chain other { }
	chain c {
		icmp type echo-request accept
		icmpv6 type { echo-request, nd-neighbor-solicit } accept
		ip protocol tcp tcp dport 22 accept
		meta nfproto ipv4 tcp dport 22
		tcp flags syn / syn,ack
		tcp flags syn
		ip saddr != 10.0.0.0/8 drop
		ip daddr 10.0.0.1-10.0.0.9 return
		tcp dport != 1000-2000 goto other
		tcp dport vmap @vm
		tcp dport vmap { 22 : accept, 80 : drop }
		ip saddr != @s4
		meta mark 0x5 meta mark set 0x7
		meta mark & 0xff == 0x3
		meta mark set meta mark | 0x10
		ct mark set ct mark & 0xffff
		meta l4proto { tcp, udp } th dport 53
		ct state new,established
		ct state != established
		ct original ip saddr 1.2.3.4
		meta iif "lo"
		ip6 dscp ef
		ip saddr . ip daddr { 1.1.1.1 . 2.2.2.2 }
		ip daddr set ip daddr map @dm
		fib saddr . iif oif missing drop
		limit rate over 100/minute burst 10 packets
		reject with tcp reset
		reject with icmpv6 admin-prohibited
		jump other
	}
}
`,
  'ip, bridge, netdev and arp dependencies': `
table ip t {
	chain c {
		ip protocol tcp tcp dport 22
		icmp type echo-request
		reject with tcp reset
		ip version 4
		ether type ip
	}
	chain n {
		type nat hook postrouting priority 100;
		meta l4proto tcp masquerade to :1000-2000 random
		meta l4proto udp snat to 1.2.3.4-1.2.3.10:100-200 persistent
	}
	chain p {
		type nat hook prerouting priority -100;
		ip protocol tcp dnat to 1.2.3.4:80
		dnat to ip saddr map { 1.1.1.1 : 2.2.2.2 }
		redirect
	}
}
table bridge b {
	chain c {
		ether type ip ip saddr 1.2.3.4
		meta protocol ip6 ip6 saddr ::1
		vlan id 5
	}
}
table netdev d {
	chain c {
		ip daddr 1.2.3.4 tcp dport 22
		meta protocol ip udp dport 53
	}
}
table arp a {
	chain c {
		arp operation request
		arp saddr ip 1.2.3.4
	}
}
`,
};

/**
 * Entries nlkit still renders differently from nft, by file and entry (`entryLabel`): reported
 * as todo until fixed (see "nft JSON" in docs/nftables.md).
 */
const KNOWN_GAPS: Record<string, string> = {};

/** An entry as `kind family table name`, rules as `rule family table chain #n` (n counts from 1 per chain). */
function entryLabels(entries: any[]): string[] {
  const seen = new Map<string, number>();
  return entries.map((e) => {
    const [kind, body] = Object.entries(e ?? {})[0] ?? ['?', {}];
    const b = body as any;
    if (kind !== 'rule') return `${kind} ${b?.family} ${b?.table ?? ''} ${b?.name}`;
    const chain = `rule ${b.family} ${b.table} ${b.chain}`;
    const n = (seen.get(chain) ?? 0) + 1;
    seen.set(chain, n);
    return `${chain} #${n}`;
  });
}

/** Files (and rulesets above) nlkit renders completely today: a regression in any of them fails. */
const COMPLETE = [
  'inet-arch-default.nft', 'inet-basic-filter.nft', 'inet-chains.nft', 'inet-counter-limit-quota.nft',
  'inet-ct-helpers-timeouts.nft', 'inet-debian-workstation.nft', 'inet-fail2ban.nft', 'inet-firewalld.nft',
  'inet-home-router.nft', 'inet-link-layer.nft', 'inet-meta-set.nft', 'inet-netavark.nft', 'ip-chains.nft',
  'ip-docker.nft', 'ip-kube-cni.nft', 'ip-libvirt.nft', 'ip-reject.nft', 'ip6-chains.nft', 'objects-conntrack.nft',
  'objects-stateful.nft', 'sets-flags.nft', 'fixtures/nftables/ruleset.nft', 'inet statements',
  'ip, bridge, netdev and arp dependencies',
];

/** The tables (`family name`) and veth names a ruleset text declares. */
function declared(text: string): { tables: string[]; veths: string[] } {
  return {
    tables: [...text.matchAll(/^table\s+(\S+)\s+(\S+)/gm)].map((m) => `${m[1]} ${m[2]}`),
    veths: [...text.matchAll(/^# veth: (\S+) (\S+)\s*$/gm)].flatMap((m) => [m[1]!, m[2]!]),
  };
}

/**
 * Cases packed into groups whose tables and veths do not clash, so one namespace, one `nft -f`
 * and one `nft -j list ruleset` serve several files (the test's wall time is mostly nft runs).
 */
function groups(cases: { name: string; text: string }[], size = 8): { name: string; text: string }[][] {
  const out: { cases: { name: string; text: string }[]; tables: Set<string>; veths: Set<string> }[] = [];
  for (const c of cases) {
    const { tables, veths } = declared(c.text);
    const fits = (g: (typeof out)[number]) => tables.length > 0 && g.cases.length < size
      && tables.every((x) => !g.tables.has(x)) && veths.every((x) => !g.veths.has(x));
    let group = out.find(fits);
    if (!group) out.push(group = { cases: [], tables: new Set(), veths: new Set() });
    group.cases.push(c);
    tables.forEach((x) => group!.tables.add(x));
    veths.forEach((x) => group!.veths.add(x));
  }
  return out.map((g) => g.cases);
}

t.test('kernel: nlkit JSON equals nft -j list ruleset, entry by entry', async (t) => {
  if (!requireRoot(t)) return;
  const cases = [
    ...corpusFiles().map(({ name, text }) => ({ name, text })),
    ...Object.entries(EXTRA_RULESETS).map(([name, text]) => ({ name, text })),
    { name: 'fixtures/nftables/ruleset.nft', text: readFileSync(new URL('../../fixtures/nftables/ruleset.nft', import.meta.url), 'utf8') },
  ];
  const unsupported: string[] = [];
  let compared = 0;
  for (const group of groups(cases)) {
    await t.test(group.map((c) => c.name).join(', '), async (t) => {
      const [ns] = testNetns(t, 1, 'nftjson');
      for (const { text } of group) prepareCorpusNetns(ns!, text);
      nftLoad(ns!, group.map((c) => c.text).join('\n'));
      const rt = openRoute({ netns: ns! });
      const names = new Map(rt.link.list().map((l) => [l.index, l.name]));
      rt.close();
      const listing = openFor(t, ns!).listRuleset();
      // nft 1.0.6 prints a table's flags from freed memory (any string, or broken JSON): not compared.
      const withoutTableFlags = (entries: any[]) => entries.map((e) => (e.table ? { table: { ...e.table, flags: undefined } } : e));
      const expected = withoutTableFlags(comparableJson(nftJson(ns!)));
      const missing: string[] = [];
      const rendered = rulesetToNftJson(listing, {
        interfaceName: (i) => names.get(i),
        onUnsupported: (e) => {
          missing.push(e.message);
          return { unsupported: { family: '', name: e.message, table: '', handle: 0 } } as NftJsonEntry;
        },
      });
      const mine = withoutTableFlags(comparableJson(rendered.nftables));
      t.equal(mine.length, expected.length, 'one entry for each of nft\'s');
      // Which case an entry belongs to, by the table it is in.
      const owner = new Map(group.flatMap((c) => declared(c.text).tables.map((x) => [x, c.name] as const)));
      const labels = entryLabels(expected);
      mine.forEach((entry, i) => {
        if ('unsupported' in entry) return;
        compared++;
        const body = Object.values(expected[i] ?? {})[0] as any;
        const file = owner.get(`${body?.family} ${body?.table ?? body?.name}`) ?? group[0]!.name;
        const gap = KNOWN_GAPS[`${file}: ${labels[i]}`];
        t.same(entry, expected[i], `${file}: ${labels[i]}`, gap ? { todo: gap } : {});
      });
      for (const m of missing) {
        const file = group.find((c) => declared(c.text).tables.some((x) => m.includes(` ${x} `)))?.name ?? '?';
        if (COMPLETE.includes(file)) t.fail(`${file} renders completely: ${m}`);
        t.comment(`not rendered yet: ${m}`);
        unsupported.push(m);
      }
    });
  }
  t.ok(compared > 0, `${compared} entries compared`);
  t.comment(`${unsupported.length} entries not rendered yet`);
});
