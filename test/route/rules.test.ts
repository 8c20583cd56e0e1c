import t, { type Test } from 'tap';
import { FIB_RULE_INVERT, FR_ACT_BLACKHOLE, FR_ACT_GOTO, FR_ACT_TO_TBL, FR_ACT_UNSPEC } from '../../src/generated/fib_rules.js';
import { NETLINK_ROUTE } from '../../src/generated/netlink.js';
import { RTM_GETRULE, RTM_NEWRULE } from '../../src/generated/rtnetlink.js';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { describeMessage } from '../../src/netlink/debug.js';
import { NetlinkError } from '../../src/netlink/errors.js';
import {
  decodeRule, encodeRule, encodeRuleDumpRequest, FIB_RULE_HDR_LEN, prepareRule, ruleAttributeName, RuleService,
  rulesToIpJson, ruleToIpJson, type Rule, type RuleMessage, type RuleSpec,
} from '../../src/route/rules/index.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { openCountingContext, tripwireContext } from '../helpers/counting-socket.js';
import { asMessage, attributeTypes, encodePayload, messageOf, payloadOf, readFixture } from './codec-helpers.js';

const fixture = readFixture('route/rules/rules.json');
const decoded: Rule[] = (fixture.messages as string[]).map((hex) => decodeRule(messageOf(hex)));

t.test('fixtures: kernel dumps decode to what ip -j -d rule show prints', async (t) => {
  t.strictSame(rulesToIpJson(decoded.filter((r) => r.family === 4)), fixture.ipv4, 'IPv4');
  t.strictSame(rulesToIpJson(decoded.filter((r) => r.family === 6)), fixture.ipv6, 'IPv6');
  const multicast = decoded.filter((r) => r.family === 0);
  t.strictSame(multicast.map((r) => r.addressFamily), [128, 129], 'AF_UNSPEC dumps include the ipmr/ip6mr default rules');
  const full = decoded.find((r) => r.priority === 100)!;
  t.match(full, {
    family: 4, src: '10.1.0.0', srcLength: 16, dst: '10.2.0.0', dstLength: 24, table: 100, action: FR_ACT_TO_TBL, actionName: 'lookup',
    fwmark: 0x10, fwmask: 0xff, iif: 'va', oif: 'vb', ipproto: 6, sport: [1000, 2000], dport: [80, 80], uidrange: [100, 200],
    protocol: 4, suppressPrefixLength: -1,
  });
  t.match(decoded.find((r) => r.priority === 200), { not: true, flags: FIB_RULE_INVERT, table: 5000, tos: 0x10, suppressPrefixLength: 0 });
  t.match(decoded.find((r) => r.priority === 307), { tunId: 5n, actionName: 'prohibit' });
  t.match(decoded.find((r) => r.priority === 306), { flow: (3 << 16) | 4 });
  t.equal(ruleToIpJson(decoded.find((r) => r.priority === 32766)!, { details: false }).protocol, undefined, 'without -d, kernel rules print no protocol');
});

t.test('fixtures: decoded rules re-encode to the kernel bytes', async (t) => {
  for (const hex of fixture.messages as string[]) {
    const message = messageOf(hex);
    const rule = decodeRule(message);
    const original = payloadOf(message);
    const again = encodePayload(encodeRule, rule);
    const what = `${rule.addressFamily} priority ${rule.priority ?? 0}`;
    if (rule.unknown.length === 0) {
      t.strictSame(again, original, what);
    } else {
      // Attributes newer than the generated headers (FRA_DPORT_MASK, ...) sit mid-message in the kernel's
      // order and go last when re-encoded: same header, same attributes, same bytes per attribute.
      t.strictSame(again.subarray(0, FIB_RULE_HDR_LEN), original.subarray(0, FIB_RULE_HDR_LEN), `${what} header`);
      t.strictSame(attributeTypes(again, FIB_RULE_HDR_LEN).sort(), attributeTypes(original, FIB_RULE_HDR_LEN).sort(), `${what} attributes`);
      t.strictSame(decodeRule(asMessage(RTM_NEWRULE, again)), rule, `${what} decodes the same`);
    }
  }
});

t.test('specs become requests that decode back to the same rule', async (t) => {
  const cases: [RuleSpec, 'add' | 'delete', Partial<RuleMessage>, string][] = [
    [{ from: '10.1.0.0/16', table: 100, priority: 10 }, 'add', { addressFamily: 2, srcLength: 16, src: '10.1.0.0', table: 100, action: FR_ACT_TO_TBL, priority: 10 }, 'priority 10 from 10.1.0.0/16 lookup 100'],
    [{ to: 'fd00::/8', table: 'local' }, 'add', { addressFamily: 10, dstLength: 8, dst: 'fd00::', table: 255 }, 'to fd00::/8 lookup local'],
    [{ family: 6, fwmark: 1 }, 'add', { addressFamily: 10, fwmark: 1, table: 254, action: FR_ACT_TO_TBL }, 'fwmark 0x1 lookup main'],
    [{ priority: 5, action: 'blackhole' }, 'add', { action: FR_ACT_BLACKHOLE, table: 0 }, 'priority 5 blackhole'],
    [{ priority: 5, goto: 9 }, 'add', { action: FR_ACT_GOTO, goto: 9, table: 0 }, 'priority 5 goto 9'],
    [{ l3mdev: true, priority: 1000 }, 'add', { l3mdev: 1, table: 0, action: FR_ACT_TO_TBL }, 'priority 1000 lookup l3mdev'],
    [{ not: true, iif: 'eth0', oif: 'vrf0', ipproto: 'udp', sport: 53, dport: [1024, 2048], uidrange: [1000, 1999], protocol: 'static', tunId: 7n, suppressPrefixLength: 0, suppressIfgroup: 3, tos: 0x10, fwmark: 0xf, fwmask: 0xff, table: 70000 }, 'add',
      { flags: FIB_RULE_INVERT, iif: 'eth0', oif: 'vrf0', ipproto: 17, sport: [53, 53], dport: [1024, 2048], uidrange: [1000, 1999], protocol: 4, tunId: 7n, suppressPrefixLength: 0, suppressIfgroup: 3, tos: 0x10, fwmask: 0xff, table: 70000 },
      'not fwmark 0xf iif eth0 oif vrf0 lookup 70000'],
    [{ priority: 100 }, 'delete', { action: FR_ACT_UNSPEC, table: 0, priority: 100 }, 'priority 100'],
    [{ from: '10.9.0.0/24' }, 'delete', { action: FR_ACT_UNSPEC, table: 0, src: '10.9.0.0' }, 'from 10.9.0.0/24'],
  ];
  for (const [spec, purpose, expected, text] of cases) {
    const prepared = prepareRule(spec, purpose);
    t.equal(prepared.text, text);
    const payload = encodePayload(encodeRule, prepared.message);
    if (expected.table !== undefined && expected.table > 255) t.equal(payload[4], 252, 'a large table says RT_TABLE_COMPAT in the header');
    const back = decodeRule(asMessage(RTM_NEWRULE, payload));
    t.match(back, expected, text);
    t.strictSame(back.unknown, []);
  }
  const dump = decodeRule(asMessage(RTM_GETRULE, encodePayload((w, af: number) => encodeRuleDumpRequest(w, af), 10)));
  t.match(dump, { addressFamily: 10, action: 0, table: 0, flags: 0, unknown: [] });
  t.equal(ruleAttributeName([3]), 'FRA_IIFNAME');
  t.equal(ruleAttributeName([24]), 'FRA_DPORT_RANGE');
});

t.test('bad input is refused before anything is sent', async (t) => {
  const rule = new RuleService(tripwireContext());
  const bad: [string, () => unknown, RegExp][] = [
    ['mixed families', () => rule.add({ from: '10.0.0.0/8', to: 'fd00::/8' }), /is IPv6 but the rule is IPv4/],
    ['family vs prefix', () => rule.add({ family: 6, from: '10.0.0.0/8' }), /is IPv4 but the rule is IPv6/],
    ['bad prefix', () => rule.add({ from: '10.0.0.0/33' }), /invalid prefix length/],
    ['bad table', () => rule.add({ table: 'mian' as never }), /table "mian" is unknown/],
    ['table 0', () => rule.add({ table: 0 }), /0 is not a table/],
    ['table with blackhole', () => rule.add({ table: 10, action: 'blackhole' }), /table only applies to action 'lookup'/],
    ['goto without target', () => rule.add({ action: 'goto' }), /needs goto/],
    ['goto with other action', () => rule.add({ goto: 5, action: 'prohibit' }), /needs action 'goto'/],
    ['l3mdev with table', () => rule.add({ l3mdev: true, table: 10 }), /leave table out/],
    ['unknown action', () => rule.add({ action: 'drop' as never }), /action must be one of/],
    ['priority range', () => rule.add({ priority: -1 }), /priority must be an integer from 0 to 4294967295/],
    ['iif name', () => rule.add({ iif: 'a-very-long-interface' }), /at most 15/],
    ['ipproto name', () => rule.add({ ipproto: 'tcpp' }), /not a known IP protocol/],
    ['port 0', () => rule.add({ dport: 0 }), /dport first port must be an integer from 1 to 65534/],
    ['reversed range', () => rule.add({ sport: [2000, 1000] }), /reversed/],
    ['uid range shape', () => rule.add({ uidrange: [5] as never }), /pair of uids/],
    ['suppress range', () => rule.add({ suppressPrefixLength: 33 }), /from 0 to 32/],
    ['tunId', () => rule.add({ tunId: -1 }), /tunId must be an integer/],
    ['not', () => rule.add({ not: 'yes' as never }), /not must be true or false/],
    ['unknown option', () => rule.add({ pref: 10 } as never), /has no option "pref"/],
    ['delete too', () => rule.delete({ lookup: 10 } as never), /has no option "lookup"/],
    ['delete without selector', () => rule.delete({}), /needs at least one selector/],
    ['delete with only a family', () => rule.delete({ family: 6 }), /needs at least one selector/],
    ['list filter', () => rule.list({ family: 5 as never }), /family must be 4 or 6/],
  ];
  for (const [name, run, message] of bad) t.throws(run, { name: 'InvalidArgumentError', message }, name);
  await t.rejects(rule.addAsync({ from: 'nowhere' }), InvalidArgumentError);
  await t.rejects(rule.listAsync({ table: 5 } as never), InvalidArgumentError);
});

t.test('debug output names rule messages', async (t) => {
  const line = describeMessage(NETLINK_ROUTE, messageOf(fixture.messages[1]));
  t.match(line, /^RTM_NEWRULE inet priority 100 from 10\.1\.0\.0\/16 to 10\.2\.0\.0\/24 iif va oif vb fwmark 0x10 lookup 100/);
});

// ---- against the kernel ------------------------------------------------------

function setup(t: Test) {
  const [ns] = testNetns(t, 1, 'rule');
  const ctx = openCountingContext(t, ns!);
  return { ns: ns!, ctx, rule: new RuleService(ctx) };
}

const SPECS: RuleSpec[] = [
  { priority: 100, from: '10.1.0.0/16', to: '10.2.0.0/24', table: 100, fwmark: 0x10, fwmask: 0xff, iif: 'va', oif: 'vb', ipproto: 'tcp', sport: [1000, 2000], dport: 80, uidrange: [100, 200], protocol: 'static' },
  { priority: 200, not: true, from: '10.3.0.1', table: 5000, suppressPrefixLength: 0, tos: 0x10 },
  { priority: 300, action: 'blackhole' },
  { priority: 301, goto: 400 },
  { priority: 302, goto: 32766 },
  { priority: 303, l3mdev: true },
  { priority: 304, fwmark: 7, action: 'unreachable' },
  { priority: 305, action: 'nop' },
  { priority: 307, tunId: 5, action: 'prohibit' },
  { priority: 308, table: 'default', suppressIfgroup: 0 },
  { priority: 309, fwmark: 0, fwmask: 0xf0, ipproto: 200, sport: 53, dport: [1024, 65000] },
  { from: '10.7.0.0/16', table: 7 },
  { priority: 400, from: 'fd00::/64', to: 'fd01::1', table: 7, ipproto: 'ipv6-icmp' },
  { priority: 401, family: 6, oif: 'va', action: 'prohibit' },
];

t.test('kernel: rules made by nlkit read back the same through nlkit and ip', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, rule } = setup(t);
  for (const spec of SPECS) rule.add(spec);
  t.strictSame(rulesToIpJson(rule.list({ family: 4 })), ipJson(ns, '-d', 'rule', 'show'), 'IPv4 is ip -d rule show');
  t.strictSame(rulesToIpJson(rule.list({ family: 6 })), ipJson(ns, '-6', '-d', 'rule', 'show'), 'IPv6 is ip -6 -d rule show');
  const all = rule.list();
  t.equal(all.length, 13 + 3 + 3, 'both families, kernel defaults included, multicast routing rules left out');
  t.ok(all.every((r) => r.family === 4 || r.family === 6));
  // The kernel picked a priority below the first user rule for the one that named none.
  t.equal(all.find((r) => r.table === 7 && r.family === 4)!.priority, 99);
  t.match(all.find((r) => r.priority === 301), { actionName: 'goto', goto: 400, flags: 4 }, 'goto to a missing rule is unresolved');
});

t.test('kernel: delete and errors', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, ctx, rule } = setup(t);
  for (const spec of SPECS) rule.add(spec);
  const count = () => rule.list().length;
  const before = count();

  const exists = t.throws(() => rule.add(SPECS[2]!)) as NetlinkError;
  t.type(exists, NetlinkError);
  t.match(exists, { code: 'EEXIST', operation: 'add rule', object: `priority 300 blackhole in netns ${ns}` });
  t.match(exists.message, `add rule priority 300 blackhole in netns ${ns} failed: EEXIST`);
  t.throws(() => rule.add({ priority: 500, goto: 100 }), { code: 'EINVAL', message: /Backward goto not supported/ });
  t.throws(() => rule.delete({ priority: 999 }), { code: 'ENOENT', operation: 'delete rule', object: `priority 999 in netns ${ns}` });

  rule.delete({ priority: 300 });
  t.equal(count(), before - 1, 'by priority alone');
  rule.delete(SPECS[0]!);
  t.equal(count(), before - 2, 'by the spec that made it');
  rule.delete({ from: '10.7.0.0/16' });
  t.notOk(rule.list().some((r) => r.src === '10.7.0.0'), 'by selector');
  rule.delete({ family: 6, priority: 401 });
  t.strictSame(ipJson(ns, '-6', 'rule', 'show').map((r: any) => r.priority), [0, 400, 32766]);
  t.throws(() => rule.delete({ priority: 400 }), { code: 'ENOENT' }, 'an IPv6 rule is not deleted by an IPv4 request');
  // The kernel's own rules can go too (`ip rule del pref 32767`).
  rule.delete({ priority: 32767, table: 'default' });
  t.strictSame(ip(ns, 'rule', 'show', 'pref', '32767'), '');
  const sent = ctx.sent();
  t.throws(() => rule.add({ action: 'goto' }), InvalidArgumentError);
  t.equal(ctx.sent(), sent, 'a refused spec sends nothing');
});

t.test('kernel: async forms', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, rule } = setup(t);
  await rule.addAsync({ priority: 10, from: '10.5.0.0/16', table: 50 });
  await rule.addAsync({ priority: 11, to: 'fd05::/64', action: 'unreachable' });
  await t.rejects(rule.addAsync({ priority: 10, from: '10.5.0.0/16', table: 50 }), { code: 'EEXIST', operation: 'add rule' });
  t.strictSame(rulesToIpJson(await rule.listAsync({ family: 4 })), ipJson(ns, '-d', 'rule', 'show'));
  t.strictSame(rulesToIpJson(await rule.listAsync({ family: 6 })), ipJson(ns, '-6', '-d', 'rule', 'show'));
  await rule.deleteAsync({ priority: 10 });
  await rule.deleteAsync({ family: 6, priority: 11 });
  t.strictSame((await rule.listAsync()).map((r) => r.priority ?? 0), [0, 32766, 32767, 0, 32766]);
  await t.rejects(rule.deleteAsync({ priority: 10 }), { code: 'ENOENT' });
});
