// addRuleset / replaceRuleset / flushRuleset: a listed ruleset re-created in
// one call and one transaction. Kernel round trips load a ruleset with nft,
// list it with nlkit, flush, re-create it with addRuleset and compare
// `nft list ruleset` (roundTrip) and nlkit's own listing, handles aside.
import t from 'tap';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { NetlinkBatchError } from '../../src/netlink/errors.js';
import { Transaction, type Ruleset } from '../../src/nftables/index.js';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { nft, nftLoad, openFor, roundTrip, rulesetText } from './helpers.js';

/**
 * Named objects an object map's elements name, anonymous sets, named sets
 * with elements (an interval set among them), a verdict map whose elements
 * jump to chains, chains that jump, objects used by name; two families.
 */
const RICH = `table inet rich {
	counter c_web {
	}
	counter c_ssh {
		packets 3 bytes 120
	}
	quota q1 {
		over 100 mbytes
	}
	limit l1 {
		rate 10/second
	}
	map countermap {
		type ipv4_addr : counter
		elements = { 10.0.0.1 : "c_web", 10.0.0.2 : "c_ssh" }
	}
	set allowed {
		type ipv4_addr
		flags interval
		elements = { 10.1.0.0/16, 192.168.1.1-192.168.1.9 }
	}
	set ports {
		type inet_service
		elements = { 22, 443 }
	}
	map jumps {
		type inet_service : verdict
		elements = { 2222 : goto ssh, 8080 : jump web }
	}
	chain web {
		counter name "c_web" accept
	}
	chain ssh {
		limit name "l1" accept
	}
	chain input {
		type filter hook input priority filter; policy accept;
		ip saddr @allowed tcp dport @ports accept
		tcp dport { 80, 8443 } jump web
		tcp dport vmap @jumps
		counter name ip saddr map @countermap
		ip saddr 10.9.0.0/16 quota name "q1" drop
	}
}
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "lo" masquerade
	}
}
`;

/** A listing without what re-creation changes: handles (and positions, which are handles), the generation, the order of hashed set elements. */
function withoutHandles(rs: Ruleset): unknown {
  const sets = rs.sets.map((s) => ({ ...s, elements: [...s.elements].sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key))) }));
  return JSON.parse(JSON.stringify({ ...rs, sets, generation: 0 }, (key, value) => (key === 'handle' || key === 'position' ? undefined : value)));
}

/** A transaction that only queues (never commits). */
function queueOnly(): Transaction {
  const fail = () => {
    throw new Error('not committed in this test');
  };
  return new Transaction(fail, { commit: fail, commitAsync: fail });
}

t.test('kernel: a rich listed ruleset re-created by addRuleset prints and lists the same', async (t) => {
  if (!requireRoot(t)) return;
  const listed = roundTrip(t, RICH);
  t.ok(listed.sets.some((s) => s.flags.includes('anonymous')), 'the listing has an anonymous set');
  t.ok(listed.sets.some((s) => s.objectType === 'counter'), 'and an object map');
  t.ok(listed.objects.length >= 4, 'and named objects');
  // Every listed item is accepted at run time by the add method it goes to, without casts.
  const tx = queueOnly();
  for (const table of listed.tables) tx.addTable(table);
  for (const object of listed.objects) tx.addObject(object);
  for (const chain of listed.chains) tx.addChain(chain);
  for (const set of listed.sets) tx.addSet(set);
  for (const rule of listed.rules) tx.addRule(rule);
  t.ok(tx.size > 0, 'each listed item passes its add method');
});

t.test('kernel: nlkit lists the re-created ruleset as it listed the original (handles aside)', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'nftrsc');
  nftLoad(ns!, RICH);
  const conn = openFor(t, ns!);
  const before = conn.listRuleset();
  nft(ns!, 'flush', 'ruleset');
  const result = await conn.addRulesetAsync(before);
  t.ok(result.generation > before.generation, 'one commit, a newer generation');
  t.same(withoutHandles(conn.listRuleset()), withoutHandles(before));
  const again = t.throws(() => conn.addRuleset(before, { exclusive: true })) as NetlinkBatchError;
  t.equal(again.failures[0]?.error.code, 'EEXIST', 'exclusive: create, so the existing table is EEXIST');
});

t.test('addRuleset queues in the order the kernel needs, whatever order the lists come in', async (t) => {
  const tx = queueOnly().addRuleset({
    rules: [{ family: 'inet', table: 't', chain: 'c', expressions: [{ kind: 'objref', sreg: 1, set: 'm' }] }],
    sets: [{ family: 'inet', table: 't', name: 'm', type: 'ipv4_addr', objectType: 'counter', elements: [{ key: '10.0.0.1', object: 'k' }] }],
    chains: [{ family: 'inet', table: 't', name: 'c' }],
    objects: [{ family: 'inet', table: 't', name: 'k', type: 'counter' }],
    flowtables: [{ family: 'inet', table: 't', name: 'f', priority: 0 }],
    tables: [{ family: 'inet', name: 't' }],
  });
  t.same(tx.pending.map((c) => c.operation), ['add table', 'add counter', 'add chain', 'add flowtable', 'add map', 'add elements to', 'add rule']);
});

t.test('addRuleset checks its input and queues all of the ruleset or nothing', async (t) => {
  const tx = queueOnly().addTable({ family: 'inet', name: 'kept' });
  t.throws(() => tx.addRuleset(null as never), { name: 'InvalidArgumentError', message: /ruleset must be an object/ });
  t.throws(() => tx.addRuleset({ tables: {} } as never), { name: 'InvalidArgumentError', message: /ruleset tables must be an array/ });
  t.throws(() => tx.addRuleset({ tabels: [] } as never), { name: 'InvalidArgumentError', message: /ruleset has no option "tabels"/ });
  t.throws(() => tx.addRuleset({ tables: [{ family: 'inet', name: 't' }] }, { exclusive: 'yes' } as never), InvalidArgumentError);
  t.throws(
    () => tx.addRuleset({
      tables: [{ family: 'inet', name: 't' }],
      sets: [{ family: 'inet', table: 't', name: 's', type: 'ipv4_addr', elements: ['10.0.0.1', 'not-an-address'] }],
    }),
    { name: 'InvalidArgumentError', message: /not-an-address/ },
  );
  t.equal(tx.size, 1, 'the bad ruleset left nothing queued; what was queued before stays');
  t.throws(
    () => tx.addRuleset({ sets: [{ family: 'inet', table: 't', name: 'raw', type: 47, keyLength: 4, handle: 1, flags: [] }] }),
    InvalidArgumentError,
    'a listed set whose type nlkit could not name is refused, not sent',
  );
  tx.addRuleset({ tables: [{ family: 'ip', name: 'next' }] });
  t.same(tx.pending.map((c) => c.object), ['inet kept', 'ip next'], 'the transaction goes on normally');
});

t.test('flushRuleset sends what nft sends for flush ruleset', async (t) => {
  const [all, ip] = queueOnly().flushRuleset().flushRuleset({ family: 'ip' }).pending;
  // strace of `nft flush ruleset` / `nft flush ruleset ip`: NFT_MSG_DELTABLE (2), family 0 / 2, no attributes.
  t.same([all!.message, all!.family, all!.flags], [2, 0, 0]);
  t.same([ip!.message, ip!.family], [2, 2]);
  t.throws(() => queueOnly().flushRuleset({ family: 'ipx' as never }), InvalidArgumentError);
  t.throws(() => queueOnly().flushRuleset({ table: 'x' } as never), /flush filter has no option "table"/);
});

t.test('kernel: a ruleset with one element the kernel refuses leaves nothing behind', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'nftrsa');
  nftLoad(ns!, RICH);
  const conn = openFor(t, ns!);
  const listed = conn.listRuleset();
  nft(ns!, 'flush', 'ruleset');
  // One element of the object map names a counter that does not exist: the kernel refuses it (ENOENT).
  const bad: Ruleset = {
    ...listed,
    sets: listed.sets.map((s) => (s.name === 'countermap' ? { ...s, elements: [...s.elements, { key: '10.0.0.3', object: 'missing' }] } : s)),
  };
  const error = t.throws(() => conn.addRuleset(bad)) as NetlinkBatchError;
  t.type(error, NetlinkBatchError);
  t.equal(error.failures[0]?.error.code, 'ENOENT', 'the element naming a missing counter');
  t.equal(nft(ns!, 'list', 'ruleset').trim(), '', 'nothing of the ruleset was applied');
});

t.test('kernel: replaceRuleset swaps rulesets in one batch, and keeps the old one when refused', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'nftrsr');
  nftLoad(ns!, RICH);
  const richText = rulesetText(ns!);
  const conn = openFor(t, ns!);
  const rich = conn.listRuleset();
  nft(ns!, 'flush', 'ruleset');
  nftLoad(ns!, 'add table ip old\nadd chain ip old c\n');
  const oldText = rulesetText(ns!);
  t.throws(() => conn.replaceRuleset({ ...rich, rules: [...rich.rules, { ...rich.rules[0]!, chain: 'no-such-chain' }] }), NetlinkBatchError);
  t.equal(rulesetText(ns!), oldText, 'refused: the old ruleset is untouched');
  conn.replaceRuleset(rich);
  t.equal(rulesetText(ns!), richText, 'replaced: exactly the listed ruleset');
  await conn.replaceRulesetAsync({ tables: [{ family: 'ip', name: 'only' }] }, { family: 'inet' });
  t.match(nft(ns!, 'list', 'tables'), /^table ip nat\ntable ip only\n$/, 'with a family, only that family was flushed');
});
