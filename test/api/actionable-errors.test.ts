// Errors a user can act on, against the kernel: a namespace name where the
// options object belongs is refused (it used to open a socket in the caller's
// namespace), a single nf_tables change fails with its own NetlinkError, and
// a rule that jumps to a missing chain names that chain.
import t from 'tap';
import {
  InvalidArgumentError, NetlinkBatchError, NetlinkError, netnsInode, openNftables, openRoute, rule,
} from '../../src/index.js';
import { ip, requireRoot, testNetns } from '../helpers/netns.js';
import { nft, nftLoad } from '../nftables/helpers.js';

t.test('openRoute and openNftables refuse a bare namespace name instead of opening in the caller\'s namespace', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'str');
  ip(ns!, 'link', 'add', 'only-here', 'type', 'veth', 'peer', 'name', 'only-there');
  const here = netnsInode('current');
  for (const [name, open] of [['openRoute', openRoute], ['openNftables', openNftables]] as const) {
    let opened: { close(): void } | undefined;
    const error = t.throws(() => {
      opened = (open as (options: unknown) => { close(): void })(ns);
    }) as Error;
    opened?.close();
    t.type(error, InvalidArgumentError, `${name}('${ns}') is refused`);
    t.match(error.message, new RegExp(`${name}: options must be an object, got the string "${ns}".*\\{ netns: "${ns}" \\}`), 'the message says how to ask for the namespace');
  }
  t.equal(netnsInode('current'), here, 'the thread is still in its own namespace');
  // The object form does what the string meant.
  const rt = openRoute({ netns: ns! });
  t.teardown(() => rt.close());
  t.ok(rt.link.list().some((l) => l.name === 'only-here'), '{ netns } opens the connection in the namespace');
});

t.test('a single nf_tables change fails with the NetlinkError of that change', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'one');
  nftLoad(ns!, 'table inet t {\n\tset s {\n\t\ttype ipv4_addr\n\t}\n\tchain c {\n\t}\n}\n');
  const nf = openNftables({ netns: ns! });
  t.teardown(() => nf.close());
  const cases: [string, () => unknown, () => Promise<unknown>, { code: string; operation: string; object: string }][] = [
    ['create table that exists', () => nf.addTable({ family: 'inet', name: 't' }, { exclusive: true }), () => nf.addTableAsync({ family: 'inet', name: 't' }, { exclusive: true }),
      { code: 'EEXIST', operation: 'create table', object: 'inet t' }],
    ['add chain to a missing table', () => nf.addChain({ family: 'inet', table: 'nope', name: 'c' }), () => nf.addChainAsync({ family: 'inet', table: 'nope', name: 'c' }),
      { code: 'ENOENT', operation: 'add chain', object: 'inet nope c' }],
    ['add rule to a missing chain', () => nf.addRule({ family: 'inet', table: 't', chain: 'nope', rule: rule().accept() }),
      () => nf.addRuleAsync({ family: 'inet', table: 't', chain: 'nope', rule: rule().accept() }), { code: 'ENOENT', operation: 'add rule', object: 'inet t nope' }],
    ['add rule with an anonymous set to a missing chain', () => nf.addRule({ family: 'inet', table: 't', chain: 'nope', rule: rule().tcp.dport([80, 443]).accept() }),
      () => nf.addRuleAsync({ family: 'inet', table: 't', chain: 'nope', rule: rule().tcp.dport([80, 443]).accept() }), { code: 'ENOENT', operation: 'add rule', object: 'inet t nope' }],
    ['delete a rule that is not there', () => nf.deleteRule({ family: 'inet', table: 't', chain: 'c', handle: 9999 }),
      () => nf.deleteRuleAsync({ family: 'inet', table: 't', chain: 'c', handle: 9999 }), { code: 'ENOENT', operation: 'delete rule', object: 'inet t c handle 9999' }],
    ['create set that exists', () => nf.addSet({ family: 'inet', table: 't', name: 's', type: 'ipv4_addr' }, { exclusive: true }),
      () => nf.addSetAsync({ family: 'inet', table: 't', name: 's', type: 'ipv4_addr' }, { exclusive: true }), { code: 'EEXIST', operation: 'create set', object: 'inet t s' }],
    ['delete elements that are not there', () => nf.deleteElements({ family: 'inet', table: 't', name: 's', type: 'ipv4_addr' }, ['10.9.9.9']),
      () => nf.deleteElementsAsync({ family: 'inet', table: 't', name: 's', type: 'ipv4_addr' }, ['10.9.9.9']), { code: 'ENOENT', operation: 'delete elements from', object: 'inet t s' }],
    ['delete a chain that is not there', () => nf.deleteChain({ family: 'inet', table: 't', name: 'nope' }),
      () => nf.deleteChainAsync({ family: 'inet', table: 't', name: 'nope' }), { code: 'ENOENT', operation: 'delete chain', object: 'inet t nope' }],
  ];
  for (const [what, sync, promise, expected] of cases) {
    const error = t.throws(sync, what) as NetlinkError;
    t.type(error, NetlinkError, `${what}: a NetlinkError, not a batch of one`);
    t.match(error, expected, `${what}: errno name, operation and object`);
    t.match(error.message, `${expected.operation} ${expected.object} failed: ${expected.code}`, `${what}: the message says it`);
    const rejected = await promise().then(() => undefined, (e: unknown) => e);
    t.type(rejected, NetlinkError, `${what} (Async): a NetlinkError too`);
    t.match(rejected, expected, `${what} (Async): the same fields`);
  }
  const before = nft(ns!, 'list', 'ruleset');
  const batch = t.throws(() => nf.transaction()
    .addChain({ family: 'inet', table: 't', name: 'fresh' })
    .deleteRule({ family: 'inet', table: 't', chain: 'c', handle: 9999 })
    .commit()) as NetlinkBatchError;
  t.type(batch, NetlinkBatchError, 'a transaction of several changes still reports every failure');
  t.equal(batch.code, 'ENOENT', 'and carries the first failure\'s errno name as its code');
  t.equal(nft(ns!, 'list', 'ruleset'), before, 'nothing of the failed batch was applied');
});

t.test('a rule that jumps or goes to a missing chain names the chain', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'jmp');
  nftLoad(ns!, 'table inet t {\n\tchain c {\n\t}\n}\n');
  const nf = openNftables({ netns: ns! });
  t.teardown(() => nf.close());
  const cases: [string, () => unknown, RegExp][] = [
    ['jump', () => nf.addRule({ family: 'inet', table: 't', chain: 'c', rule: rule().ip.saddr('10.0.0.1').jump('no-such-chain') }), /jump target chain "no-such-chain" does not exist/],
    ['goto', () => nf.addRule({ family: 'inet', table: 't', chain: 'c', rule: rule().goto('elsewhere') }), /goto target chain "elsewhere" does not exist/],
    ['jump after an anonymous set', () => nf.addRule({ family: 'inet', table: 't', chain: 'c', rule: rule().tcp.dport([80, 443]).jump('web') }), /jump target chain "web" does not exist/],
    ['jump in a transaction', () => nf.transaction().addRule({ family: 'inet', table: 't', chain: 'c', rule: rule().accept() })
      .addRule({ family: 'inet', table: 't', chain: 'c', rule: rule().counter().jump('later') }).commit(), /jump target chain "later" does not exist/],
  ];
  for (const [what, add, names] of cases) {
    const thrown = t.throws(add, what) as Error;
    const error = thrown instanceof NetlinkBatchError ? thrown.failures[0]!.error : (thrown as NetlinkError);
    t.type(error, NetlinkError, `${what}: a NetlinkError`);
    t.equal(error.code, 'ENOENT', `${what}: the kernel's ENOENT`);
    t.match(error.message, names, `${what}: the message names the missing chain`);
    t.match(error.attribute, names, `${what}: so does the offending attribute`);
    t.match(error.message, /expression #\d+ \(immediate\)/, `${what}: and the expression`);
  }
  // The same rule works once the chain exists, so the name was the only problem.
  nf.addChain({ family: 'inet', table: 't', name: 'no-such-chain' });
  t.ok(nf.addRule({ family: 'inet', table: 't', chain: 'c', rule: rule().ip.saddr('10.0.0.1').jump('no-such-chain') }).handle > 0, 'with the chain, the rule is added');
});
