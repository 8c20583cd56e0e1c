// nlkit against the kernel, cross-checked with nft, each test in namespaces it creates.
import t, { type Test } from 'tap';
import { NetlinkBatchError, NetlinkError } from '../../src/netlink/errors.js';
import {
  openNftables, rule, type Expression, type LinearizeContext, type NftablesConnection, type Rule, type RuleSource,
} from '../../src/nftables/index.js';
import { commitBatch } from '../../src/nftables/protocol/batch.js';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskNftJson, maskNftText } from '../helpers/volatile.js';
import { nft, nftJson, nftLoad, ruleLines } from './helpers.js';

/** The fixture ruleset, plus payload rewrites and a quota object. */
const RULESET = `
table inet filter {
	comment "made by nft"
	counter web {
	}
	quota q {
		over 100 mbytes
	}
	set allowed {
		type ipv4_addr
		flags interval
		elements = { 1.2.3.4, 10.0.0.0/8, 192.168.1.1-192.168.1.5 }
	}
	set services {
		type ipv4_addr . inet_service
		elements = { 10.0.0.1 . 80, 10.0.0.2 . 443 }
	}
	set ranges {
		type ipv4_addr . inet_service
		flags interval
		elements = { 10.0.0.0/8 . 80-90, 1.1.1.1 . 22 }
	}
	set seen {
		type ipv4_addr
		size 65535
		flags dynamic,timeout
		timeout 1m
	}
	set marks {
		type mark
		flags timeout
		elements = { 0x00000010 timeout 1h, 0x00000020 }
	}
	set v6 {
		type ipv6_addr
		flags interval
		elements = { fd00::/64, fd01::1-fd01::9 }
	}
	set macs {
		type ether_addr
		elements = { 02:00:00:00:00:01 }
	}
	set protos {
		type inet_proto
		elements = { tcp, udp }
	}
	map ports {
		type inet_service : ipv4_addr . inet_service
		elements = { 80 : 10.88.1.2 . 8080 }
	}
	map dispatch {
		type ifname : verdict
		elements = { "lo" : accept, "veth0" : jump pods }
	}
	chain pods {
	}
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		ct state invalid drop
		iifname "lo" accept
		iifname vmap @dispatch
		ip saddr @allowed tcp dport { 22, 80, 443 } counter accept comment "admin"
		ip daddr . tcp dport @services accept
		ip6 saddr fd00::/64 udp dport 53 accept
		meta l4proto icmp limit rate 10/second accept
		tcp dport 8080 counter name "web" accept
		quota name "q" drop
		add @seen { ip saddr timeout 30s }
		log prefix "input drop: " level info
		reject with icmpx admin-prohibited
	}
	chain forward {
		type filter hook forward priority filter; policy accept;
		meta mark set 0x10 ct mark set 0x10
		quota over 10 mbytes drop
		ip ttl set 64 tcp dport set 8080
		iifname "veth*" oifname != "eth0" ip saddr 10.88.0.0/20 jump pods
	}
}
table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		fib daddr type local tcp dport 8080 dnat to 10.88.1.2:80
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr 10.88.0.0/16 ip daddr != 10.88.0.0/16 oifname "eth0" masquerade
		ip saddr 10.99.0.0/16 snat to 1.2.3.4 fully-random
	}
}
table netdev edge {
	chain ingress {
		type filter hook ingress device "lo" priority filter; policy accept;
		ether saddr 02:00:00:00:00:01 drop
	}
}
`;

function open(t: Test, netns: string): NftablesConnection {
  const conn = openNftables({ netns });
  t.teardown(() => conn.close());
  return conn;
}

/** What `nft list ruleset` prints, element expiry countdowns masked. */
function stableText(netns: string): string {
  return maskNftText(nft(netns, 'list', 'ruleset'));
}

/** `nft -j list ruleset` with element expiry countdowns masked and without handles (they follow creation order). */
function stableJson(netns: string): unknown[] {
  const strip = (v: any): any => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'handle').map(([k, x]) => [k, strip(x)]));
    }
    return v;
  };
  return strip(maskNftJson(nftJson(netns))).filter((o: any) => !o.metainfo);
}

/** Re-creates a decoded rule; lookups of anonymous sets become anonymous sets of the new batch. */
function copiedRule(source: NftablesConnection, r: Rule): RuleSource {
  return {
    linearize(context: LinearizeContext): Expression[] {
      return r.expressions.map((e) => {
        if (e.kind !== 'lookup' || !e.set.startsWith('__set')) return e;
        const set = source.getSet(r.family, r.table, e.set);
        const elements = source.listElements({ family: r.family, table: r.table, name: e.set });
        const { name, id } = context.anonymousSet({ type: set.type as string, interval: set.flags.includes('interval'), elements });
        return { ...e, set: name, setId: id };
      });
    },
  };
}

t.test('a ruleset loaded by nft, decoded by nlkit and re-created by nlkit lists identically in nft', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'nftcopy');
  nftLoad(a!, RULESET);
  const src = open(t, a!);
  const dst = open(t, b!);
  const rs = src.listRuleset();
  t.equal(rs.tables.length, 3);
  t.equal(rs.rules.length, 21);
  t.equal(rs.objects.length, 2);
  t.match(rs.objects, [{ type: 'counter', name: 'web', packets: 0, bytes: 0 }, { type: 'quota', name: 'q', bytes: 104857600, over: true }]);
  const kinds = new Set(rs.rules.flatMap((r) => r.expressions.map((e) => e.kind)));
  for (const kind of ['payload', 'meta', 'cmp', 'bitwise', 'immediate', 'counter', 'lookup', 'dynset', 'ct', 'nat', 'masq', 'reject', 'limit', 'log', 'quota', 'fib', 'objref']) {
    t.ok(kinds.has(kind as never), `the ruleset exercises ${kind}`);
  }
  t.ok(rs.rules.some((r) => r.expressions.some((e) => e.kind === 'payload' && 'sreg' in e && e.csumType === 'inet' && e.csumOffset === 10)), 'ip ttl set decodes to a payload write with the IPv4 checksum update');
  const tx = dst.transaction();
  for (const table of rs.tables) tx.addTable({ family: table.family, name: table.name, ...(table.comment ? { comment: table.comment } : {}) });
  for (const c of rs.chains) {
    tx.addChain({
      family: c.family, table: c.table, name: c.name,
      ...(c.hook !== undefined ? { type: c.type!, hook: c.hook as 'input', priority: c.priority!, policy: c.policy! } : {}),
      ...(c.device ? { device: c.device } : {}),
    });
  }
  // Anonymous sets are rebuilt with the rules that use them (copiedRule); listRuleset lists them too.
  const named = (sets: typeof rs.sets) => sets.filter((x) => !x.flags.includes('anonymous'));
  for (const s of named(rs.sets)) {
    tx.addSet({
      family: s.family, table: s.table, name: s.name, type: s.type as string, ...(s.map !== undefined ? { map: s.map as string } : {}),
      flags: s.flags.filter((f) => !['map', 'concat'].includes(f)),
      ...(s.timeout !== undefined ? { timeout: s.timeout } : {}), ...(s.size !== undefined ? { size: s.size } : {}),
      elements: s.elements.map(({ expires: _expires, ...e }) => e),
    });
  }
  for (const o of rs.objects) {
    if (o.type === 'counter') tx.addObject({ family: o.family, table: o.table, name: o.name, type: 'counter' });
    else if (o.type === 'quota') tx.addObject({ family: o.family, table: o.table, name: o.name, type: 'quota', bytes: (o as { bytes: number }).bytes, over: (o as { over: boolean }).over });
  }
  for (const r of rs.rules) tx.addRule({ family: r.family, table: r.table, chain: r.chain, rule: copiedRule(src, r), ...(r.comment ? { comment: r.comment } : {}) });
  tx.commit();
  t.equal(stableText(b!), stableText(a!), 'nft list ruleset is identical');
  t.same(stableJson(b!), stableJson(a!), 'nft -j list ruleset is identical (handles aside)');
  const copy = dst.listRuleset();
  const norm = (rules: Rule[]) => JSON.stringify(rules.map((r) => ({ ...r, handle: 0, position: 0 }))).replace(/"__set\d+"/g, '"__set"');
  t.equal(norm(copy.rules), norm(rs.rules), 'nlkit decodes the copy to the same rules');
  const userdata = (sets: typeof rs.sets) => sets.map((s) => [s.name, s.userdata?.toString('hex')]);
  t.same(userdata(named(copy.sets)), userdata(named(rs.sets)), 'set userdata (byte order, typeof) stored exactly as nft stores it');
});

t.test('objects created by nlkit are what nft -j lists; listing decodes them back', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'nftobj');
  const conn = open(t, ns!);
  const result = conn.transaction()
    .addTable({ family: 'inet', name: 'pods', comment: 'owned by test' })
    .addChain({ family: 'inet', table: 'pods', name: 'in', type: 'filter', hook: 'input', priority: 'filter', policy: 'drop', comment: 'input' })
    .addChain({ family: 'inet', table: 'pods', name: 'fwdc', type: 'filter', hook: 'forward', priority: -5 })
    .addChain({ family: 'inet', table: 'pods', name: 'isolate' })
    .addSet({ family: 'inet', table: 'pods', name: 'nets', type: 'ipv4_addr', flags: ['interval'], elements: ['10.88.0.0/16', '10.99.1.1-10.99.1.9'], comment: 'pod networks' })
    .addSet({ family: 'inet', table: 'pods', name: 'svc', type: ['ipv4_addr', 'inet_service'], map: 'verdict', elements: [{ key: ['10.96.0.1', 443], data: 'accept' }, { key: ['10.96.0.2', 53], data: { code: 'jump', chain: 'isolate' } }] })
    .addRule({ family: 'inet', table: 'pods', chain: 'in', rule: rule().ct.state('established', 'related').accept() })
    .addRule({ family: 'inet', table: 'pods', chain: 'in', rule: rule().ip.saddr('@nets').tcp.dport([22, 80]).counter().accept(), comment: 'from pods' })
    .addRule({ family: 'inet', table: 'pods', chain: 'fwdc', rule: rule().iifname('veth*').jump('isolate') })
    .commit({ echo: true });
  t.ok(result.generation > 0, 'commit reports the new generation');
  t.match(result.created[0], { name: 'pods', family: 'inet' }, 'echo returns the table');
  t.match(result.created.at(-1), { chain: 'fwdc', handle: Number }, 'echo returns the rule with its handle');
  const json = nftJson(ns!);
  t.match(json.find((o) => o.table), { table: { family: 'inet', name: 'pods' } });
  t.match(json.filter((o) => o.chain).map((o) => o.chain), [
    { name: 'in', type: 'filter', hook: 'input', prio: 0, policy: 'drop' },
    { name: 'fwdc', type: 'filter', hook: 'forward', prio: -5, policy: 'accept' },
    { name: 'isolate' },
  ]);
  t.same(json.find((o) => o.set?.name === 'nets').set.elem, [{ prefix: { addr: '10.88.0.0', len: 16 } }, { range: ['10.99.1.1', '10.99.1.9'] }]);
  t.same(json.find((o) => o.map?.name === 'svc').map.elem.map((e: any) => e[0].concat).sort(), [['10.96.0.1', 443], ['10.96.0.2', 53]]);
  t.same(ruleLines(ns!, 'inet', 'pods', 'in'), [
    'ct state established,related accept',
    'ip saddr @nets tcp dport { 22, 80 } counter packets 0 bytes 0 accept comment "from pods"',
  ]);
  t.same(ruleLines(ns!, 'inet', 'pods', 'fwdc'), ['iifname "veth*" jump isolate']);
  t.match(nft(ns!, 'list', 'ruleset'), /comment "owned by test"[\s\S]*set nets \{\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\tcomment "pod networks"/);
  t.match(nft(ns!, 'list', 'map', 'inet', 'pods', 'svc'), /type ipv4_addr \. inet_service : verdict/);

  t.match(conn.listTables(), [{ family: 'inet', name: 'pods', comment: 'owned by test', use: 5 }]);
  t.match(conn.listChains({ family: 'inet', table: 'pods' }), [
    { name: 'in', type: 'filter', hook: 'input', priority: 0, policy: 'drop', comment: 'input' },
    { name: 'fwdc', hook: 'forward', priority: -5 },
    { name: 'isolate', hook: undefined },
  ]);
  t.match(conn.listSets({ table: 'pods' }), [
    { name: 'nets', type: 'ipv4_addr', flags: ['interval'], comment: 'pod networks' },
    { name: 'svc', type: ['ipv4_addr', 'inet_service'], map: 'verdict', flags: ['map'] },
  ]);
  t.same(conn.listElements({ family: 'inet', table: 'pods', name: 'nets' }), [{ key: '10.88.0.0/16' }, { key: '10.99.1.1-10.99.1.9' }]);
  t.same(
    conn.listElements({ family: 'inet', table: 'pods', name: 'svc' }).sort((x, y) => String(x.key).localeCompare(String(y.key))),
    [{ key: ['10.96.0.1', 443], data: { code: 'accept' } }, { key: ['10.96.0.2', 53], data: { code: 'jump', chain: 'isolate' } }],
  );
  const rules = conn.listRules({ family: 'inet', table: 'pods', chain: 'in' });
  t.equal(rules.length, 2);
  t.equal(rules[1]!.comment, 'from pods');
  t.match(rules[1]!.expressions.map((e) => e.kind), ['meta', 'cmp', 'payload', 'lookup', 'meta', 'cmp', 'payload', 'lookup', 'counter', 'immediate']);
});

t.test('rules go where they are told: append, insert, after, before, replace, delete by handle', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'nftpos');
  const conn = open(t, ns!);
  conn.transaction().addTable({ family: 'ip', name: 't' }).addChain({ family: 'ip', table: 't', name: 'c' }).commit();
  const where = { family: 'ip' as const, table: 't', chain: 'c' };
  const b = conn.addRule({ ...where, rule: rule().meta.mark(2) });
  const d = conn.addRule({ ...where, rule: rule().meta.mark(4) });
  const a = conn.insertRule({ ...where, rule: rule().meta.mark(1) });
  const c = conn.addRule({ ...where, rule: rule().meta.mark(3) }, { after: b.handle });
  conn.insertRule({ ...where, rule: rule().meta.mark(0x15) }, { before: d.handle });
  t.ok(a.handle > 0 && b.handle > 0 && c.handle > 0, 'handles come back with the rules');
  t.same(ruleLines(ns!, 'ip', 't', 'c'), [1, 2, 3, 0x15, 4].map((m) => `meta mark 0x${m.toString(16).padStart(8, '0')}`));
  const replaced = conn.replaceRule({ ...where, handle: c.handle, rule: rule().meta.mark(0x33).accept() });
  t.equal(replaced.handle, c.handle, 'replace keeps the handle');
  conn.deleteRule({ ...where, handle: a.handle });
  t.same(ruleLines(ns!, 'ip', 't', 'c'), ['meta mark 0x00000002', 'meta mark 0x00000033 accept', 'meta mark 0x00000015', 'meta mark 0x00000004']);
});

t.test('a batch is all or nothing: one bad command and the ruleset is unchanged; the error names it', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'nftatom');
  nftLoad(ns!, 'table inet keep {\n chain c {\n  tcp dport 22 accept\n }\n}\n');
  const conn = open(t, ns!);
  const before = nft(ns!, 'list', 'ruleset');
  const generation = conn.generation().id;
  const tx = conn.transaction()
    .addTable({ family: 'inet', name: 'new' })
    .addChain({ family: 'inet', table: 'new', name: 'c' })
    .addRule({ family: 'inet', table: 'new', chain: 'c', rule: rule().accept() })
    .addSet({ family: 'inet', table: 'new', name: 's', type: 'ipv4_addr', elements: ['10.0.0.1'] })
    .flushChain({ family: 'inet', table: 'keep', name: 'c' })
    .addRule({ family: 'inet', table: 'new', chain: 'c', rule: rule().jump('missing') })
    .deleteTable({ family: 'ip', name: 'absent' });
  const error = t.throws(() => tx.commit()) as NetlinkBatchError;
  t.type(error, NetlinkBatchError);
  t.equal(error.total, 8, 'eight commands (the set with its elements is two)');
  t.same(error.failures.map((f) => f.index), [6, 7], 'both failing commands reported, by index');
  const [jump, del] = error.failures.map((f) => f.error);
  t.match(jump, { code: 'ENOENT', operation: 'add rule', object: 'inet new c', attribute: /^NFTA_RULE_EXPRESSIONS\/1, expression #0 \(immediate\): jump target chain "missing" does not exist$/ });
  t.match(del, { code: 'ENOENT', operation: 'delete table', object: 'ip absent', attribute: 'NFTA_TABLE_NAME' });
  t.equal(nft(ns!, 'list', 'ruleset'), before, 'nothing of the batch was applied, nothing flushed');
  t.equal(conn.generation().id, generation, 'the generation did not move');
  t.same(ruleLines(ns!, 'inet', 'keep', 'c'), ['tcp dport 22 accept']);
});

t.test('kernel errors carry the extended ack text and the attribute it points at', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'nftack');
  const conn = open(t, ns!);
  // A flags attribute one byte long fails the kernel's policy check (nlkit's own encoder would never send it).
  const error = t.throws(() => commitBatch(conn.socket, [{
    message: 0, family: 2, flags: 0x400, operation: 'add table', object: 'ip odd',
    encode: (w) => w.string(1, 'odd').u8(2, 1),
  }])) as NetlinkBatchError;
  t.match(error.failures[0]!.error, {
    code: 'ERANGE', object: 'ip odd', attribute: 'NFTA_TABLE_FLAGS',
    extack: { message: 'Attribute failed policy validation' },
    message: 'add table ip odd failed: ERANGE Attribute failed policy validation (at NFTA_TABLE_FLAGS)',
  });
  const exists = t.throws(() => conn.transaction().addTable({ family: 'ip', name: 'x' }).addTable({ family: 'ip', name: 'x' }, { exclusive: true }).commit()) as NetlinkBatchError;
  t.match(exists.failures, [{ index: 1, error: { code: 'EEXIST', operation: 'create table', object: 'ip x' } }]);
  t.equal(nft(ns!, 'list', 'ruleset'), '', 'still nothing');
});

t.test('a commit guarded by a stale generation is refused with ERESTART and changes nothing', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'nftgen');
  const conn = open(t, ns!);
  const seen = conn.generation().id;
  conn.addTable({ family: 'ip', name: 'first' });
  const stale = conn.transaction().addTable({ family: 'ip', name: 'second' });
  const error = t.throws(() => stale.commit({ generation: seen })) as NetlinkError;
  t.type(error, NetlinkError);
  t.match(error, { code: 'ERESTART', operation: 'commit nftables batch' });
  t.notMatch(nft(ns!, 'list', 'tables'), /second/);
  const fresh = conn.generation().id;
  t.equal(conn.transaction().addTable({ family: 'ip', name: 'second' }).commit({ generation: fresh }).generation, fresh + 1);
  t.match(nft(ns!, 'list', 'tables'), /table ip second/);
});

t.test('bad input is refused before anything is sent', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'nftbad');
  const conn = open(t, ns!);
  conn.transaction().addTable({ family: 'inet', name: 't' }).addSet({ family: 'inet', table: 't', name: 'ips', type: 'ipv4_addr' }).commit();
  const generation = conn.generation().id;
  const tx = () => conn.transaction();
  const cases: [string, () => unknown, RegExp][] = [
    ['unknown family', () => tx().addTable({ family: 'ipx' as 'ip', name: 't' }), /unknown nftables family "ipx"; use one of ip, ip6, inet, arp, bridge, netdev/],
    ['base chain without hook', () => tx().addChain({ family: 'inet', table: 't', name: 'c', type: 'filter', priority: 0 }), /base chain inet t c needs a hook/],
    ['hook of another family', () => tx().addChain({ family: 'netdev', table: 't', name: 'c', type: 'filter', hook: 'input', priority: 0, device: 'lo' }), /hook "input" does not exist in the netdev family/],
    ['netdev chain without device', () => tx().addChain({ family: 'netdev', table: 't', name: 'c', type: 'filter', hook: 'ingress', priority: 0 }), /needs the device/],
    ['policy on a regular chain', () => tx().addChain({ family: 'inet', table: 't', name: 'c', policy: 'drop' }), /policy and device belong to base chains/],
    ['table name too long', () => tx().addTable({ family: 'inet', name: 'x'.repeat(256) }), /table name is 256 bytes; the kernel allows at most 255/],
    ['chain name too long', () => tx().addChain({ family: 'inet', table: 't', name: 'c'.repeat(300) }), /chain name is 300 bytes/],
    ['set element of the wrong type', () => tx().addElements({ family: 'inet', table: 't', name: 'ips' }, ['10.0.0.1', 'fd00::1']), /element #1 of inet t ips "fd00::1" is not an IPv4 address/],
    ['map data on a set', () => tx().addSet({ family: 'inet', table: 't', name: 's', type: 'inet_service', elements: [{ key: 80, data: 'accept' }] }), /has data but the set is not a map/],
    ['unknown set type', () => tx().addSet({ family: 'inet', table: 't', name: 's', type: 'ipv5_addr' }), /"ipv5_addr" is not a supported type/],
    ['overlapping intervals', () => tx().addSet({ family: 'inet', table: 't', name: 's', type: 'ipv4_addr', flags: ['interval'], elements: ['10.0.0.0/8', '10.1.0.0/16'] }), /elements overlap/],
    ['timeout without the flag', () => tx().addSet({ family: 'inet', table: 't', name: 's', type: 'mark', elements: [{ key: 1, timeout: 1000 }] }), /lacks the timeout flag/],
    ['rule value of the wrong type', () => tx().addRule({ family: 'inet', table: 't', chain: 'c', rule: rule().tcp.dport('http-ish') }), /tcp dport must be an integer/],
    ['ip match in an ip6 table', () => tx().addRule({ family: 'ip6', table: 't', chain: 'c', rule: rule().ip.saddr('10.0.0.1') }), /ip saddr cannot match in a ip6 table/],
    ['comment too long', () => tx().addRule({ family: 'inet', table: 't', chain: 'c', rule: rule().accept(), comment: 'x'.repeat(129) }), /rule comment is 129 bytes; nft allows at most 128/],
    ['empty transaction', () => tx().commit(), /the transaction is empty/],
  ];
  for (const [what, fn, message] of cases) t.throws(fn, { name: 'InvalidArgumentError', message }, what);
  t.equal(conn.generation().id, generation, 'no batch reached the kernel');
});

t.test('delete and flush each kind of object, and big batches', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'nftdel');
  const conn = open(t, ns!);
  const set = { family: 'ip' as const, table: 't', name: 'ips' };
  const tx = conn.transaction()
    .addTable({ family: 'ip', name: 't' })
    .addChain({ family: 'ip', table: 't', name: 'c' })
    .addSet({ ...set, type: 'ipv4_addr', flags: ['interval'] });
  for (let i = 0; i < 1000; i++) tx.addRule({ family: 'ip', table: 't', chain: 'c', rule: rule().ip.saddr(`10.${i >> 8}.${i & 255}.1`).counter().accept() });
  const many = Array.from({ length: 5000 }, (_, i) => `172.${16 + (i >> 8)}.${i & 255}.0/30`);
  tx.addElements(set, many);
  t.ok(tx.size > 1003, `${tx.size} commands in one batch (the elements span several messages)`);
  tx.commit();
  t.equal(conn.listRules({ family: 'ip', table: 't' }).length, 1000);
  t.equal(conn.listElements(set).length, 5000);
  conn.deleteElements(set, ['172.16.0.0/30', '172.16.1.0/30']);
  t.equal(conn.listElements(set).length, 4998);
  t.notMatch(nft(ns!, 'list', 'set', 'ip', 't', 'ips'), /172\.16\.0\.0\/30/);
  conn.transaction().flushSet(set).flushChain({ family: 'ip', table: 't', name: 'c' }).commit();
  t.same(conn.listElements(set), []);
  t.same(conn.listRules({ family: 'ip', table: 't' }), []);
  conn.transaction().addChain({ family: 'ip', table: 't', name: 'd' }).addRule({ family: 'ip', table: 't', chain: 'd', rule: rule().drop() }).commit();
  conn.transaction().flushTable({ family: 'ip', name: 't' }).commit();
  t.same(conn.listRules(), [], 'flush table removed every rule');
  conn.transaction().deleteSet(set).deleteChain({ family: 'ip', table: 't', name: 'c' }).commit();
  t.same(conn.listSets(), []);
  t.same(conn.listChains().map((c) => c.name), ['d']);
  conn.deleteTable({ family: 'ip', name: 't' });
  t.equal(nft(ns!, 'list', 'ruleset'), '');
});

t.test('the Promise forms commit and list the same way, and fail the same way', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'nftasync');
  const conn = open(t, ns!);
  const result = await conn.transaction()
    .addTable({ family: 'inet', name: 'a' })
    .addChain({ family: 'inet', table: 'a', name: 'c', type: 'filter', hook: 'output', priority: 0 })
    .addRule({ family: 'inet', table: 'a', chain: 'c', rule: rule().meta.l4proto('udp').udp.dport(53).counter().accept() })
    .commitAsync({ echo: true });
  t.match(result.created[2], { chain: 'c', handle: Number });
  const added = await conn.addRuleAsync({ family: 'inet', table: 'a', chain: 'c', rule: rule().drop() });
  t.same(ruleLines(ns!, 'inet', 'a', 'c'), ['udp dport 53 counter packets 0 bytes 0 accept', 'drop']);
  t.same((await conn.listRulesAsync({ family: 'inet' })).map((r) => r.handle), [(result.created[2] as Rule).handle, added.handle]);
  t.equal((await conn.listChainsAsync())[0]!.hook, 'output');
  t.equal((await conn.generationAsync()).id, conn.generation().id);
  await t.rejects(conn.transaction().addRule({ family: 'inet', table: 'a', chain: 'nope', rule: rule().accept() }).commitAsync(), {
    name: 'NetlinkBatchError', errors: [{ code: 'ENOENT', object: 'inet a nope' }],
  });
  const both = await Promise.all([
    conn.addTableAsync({ family: 'ip', name: 'p1' }),
    conn.addTableAsync({ family: 'ip', name: 'p2' }),
    conn.listTablesAsync(),
  ]);
  t.equal(both[1].generation, both[0].generation + 1, 'queued exchanges on one socket do not interleave');
  t.match(nft(ns!, 'list', 'tables'), /table ip p1\ntable ip p2/);
  const rs = await conn.listRulesetAsync();
  t.equal(rs.tables.length, 3);
});
