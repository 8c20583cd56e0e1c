// Rule realms (`ip rule add … realms [FROM/]TO`, FRA_FLOW): rules made by the
// library in one namespace and by ip in its twin must list the same in
// `ip -j -d rule show`; `nlkit rule add … realms` must answer and change as ip does.
import t from 'tap';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { openRoute } from '../../src/route/connection.js';
import { RuleService, rulesToIpJson, type RuleSpec } from '../../src/route/rules/index.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { tripwireContext } from '../helpers/counting-socket.js';
import { ipRun, nlkit } from '../cli/helpers.js';

/** The same rule as ip's words and as a RuleSpec. */
const RULES: [string, RuleSpec][] = [
  ['pref 100 realms 3/5 table 100', { priority: 100, realms: '3/5', table: 100 }],
  ['pref 101 realms 7 table 101', { priority: 101, realms: 7, table: 101 }],
  ['pref 102 realms cosmos/9 table 100', { priority: 102, realms: { from: 'cosmos', to: 9 }, table: 100 }],
  ['pref 103 realms 0x10007 table 100', { priority: 103, realms: { from: 1, to: 7 }, table: 100 }],
  ['pref 104 from 10.1.0.0/16 realms 255/0x10 lookup main', { priority: 104, from: '10.1.0.0/16', realms: { from: '255', to: '0x10' }, table: 'main' }],
  ['pref 105 realms 70000 table 1', { priority: 105, realms: { from: 1, to: 4464 }, table: 1 }],
  ['pref 106 fwmark 5 realms 12/34 blackhole', { priority: 106, fwmark: 5, realms: '12/34', action: 'blackhole' }],
  ['pref 107 realms 010 table 7', { priority: 107, realms: '010', table: 7 }],
  // Realm 0 everywhere is no realm: the kernel reports no FRA_FLOW.
  ['pref 108 realms cosmos table 8', { priority: 108, realms: 'cosmos', table: 8 }],
];

t.test('rules with realms made by the library list as ip lists its own', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'r2realm') as [string, string];
  const rt = openRoute({ netns: b });
  t.teardown(() => rt.close());
  for (const [words, spec] of RULES) {
    ip(a, 'rule', 'add', ...words.split(' '));
    rt.rule.add(spec);
  }
  const shown = ipJson(a, '-d', 'rule', 'show');
  t.strictSame(ipJson(b, '-d', 'rule', 'show'), shown, 'ip -j -d rule show: the same in both namespaces');
  t.strictSame(ipJson(b, 'rule', 'show'), ipJson(a, 'rule', 'show'), 'ip -j rule show too');
  t.strictSame(rulesToIpJson(rt.rule.list({ family: 4 })), shown, 'and the library decodes them to what ip prints');
  t.strictSame(ipJson<{ priority: number; flow_from?: string; flow_to?: string }[]>(a, 'rule', 'show').filter((r) => r.flow_to !== undefined)
    .map((r) => [r.priority, r.flow_from ?? '', r.flow_to]),
  [[100, '3', '5'], [101, '', '7'], [102, '', '9'], [103, '1', '7'], [104, '255', '16'], [105, '1', '4464'], [106, '12', '34'], [107, '', '8']],
  'what ip prints for them (the comparison is of rules that have realms)');

  // A delete matches on realms: the rule with other realms stays.
  t.equal(ipRun(['-n', a, 'rule', 'del', 'realms', '3/6']).status, 2, 'ip finds no rule with realms 3/6');
  t.throws(() => rt.rule.delete({ realms: '3/6' }), { name: 'NetlinkError', code: 'ENOENT' }, 'realms 3/6 matches no rule');
  ip(a, 'rule', 'del', 'realms', '3/5');
  rt.rule.delete({ realms: { from: 3, to: 5 } });
  await rt.rule.deleteAsync({ realms: 7 });
  ip(a, 'rule', 'del', 'realms', '7');
  t.strictSame(ipJson(b, '-d', 'rule', 'show'), ipJson(a, '-d', 'rule', 'show'), 'the same rules after the deletes');
  t.notOk(ipJson<{ priority: number }[]>(b, 'rule', 'show').some((r) => r.priority === 100 || r.priority === 101), 'rules 100 and 101 are gone');
  await rt.rule.addAsync({ priority: 120, realms: '4/4', table: 4 });
  t.match(ip(b, 'rule', 'show', 'pref', '120'), /realms 4\/4/);
});

t.test('bad realms are refused before anything is sent', async (t) => {
  const rule = new RuleService(tripwireContext());
  const bad: [string, unknown, RegExp][] = [
    ['unknown name', 'nowhere-realm', /^realms must be a realm: a name from \/etc\/iproute2\/rt_realms .*got the string "nowhere-realm"/],
    ['too large', 65536, /number 0-65535, got the number 65536/],
    ['negative', -1, /^realms must be a realm/],
    ['fraction', 1.5, /^realms must be a realm/],
    ['bad source', 'x/5', /^realms "x\/5": FROM must be a realm/],
    ['bad destination', '5/y', /^realms "5\/y": TO must be a realm/],
    ['not a number', '09', /^realms must be a realm/],
    ['without to', { from: 3 }, /^realms needs to/],
    ['unknown key', { to: 3, via: 1 }, /realms has no option "via"/],
    ['bad object source', { from: 'nope', to: 3 }, /^realms\.from must be a realm/],
    ['wrong type', true, /^realms must be a realm/],
  ];
  for (const [what, realms, message] of bad) {
    t.throws(() => rule.add({ realms: realms as never, table: 100 }), { name: 'InvalidArgumentError', message }, what);
  }
  t.throws(() => rule.add({ family: 6, realms: 5, table: 100 }), InvalidArgumentError, 'IPv6 rules have none');
  t.throws(() => rule.add({ from: 'fd00::/64', realms: 5, table: 100 }), /realms only apply to IPv4 rules/);
});

/** `nlkit rule` words against ip's, in twin namespaces; status, output and the rules after each must match. */
const CLI = [
  'rule add realms 3/5 table 100', 'rule add realms 7 table 101 pref 50', '-6 rule add realms 7 table 101 pref 50',
  'rule add realms 0x10007 table 100', 'rule add realms cosmos/9 table 100', 'rule add r 70000 table 1',
  'rule add realms 256/1 table 1', 'rule add realms x table 1', 'rule add realms', 'rule add from 10.2.0.0/16 realms 1/2 prohibit',
  'rule show', '-j rule show', '-d rule show', '-6 rule show', '-j -p rule show',
  'rule del realms 3/5', 'rule del realms 9/9', '-6 rule del realms 7 pref 50', 'rule show', 'rule flush', 'rule show',
];

t.test('nlkit rule add … realms answers and changes as ip does', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'r2rlcli') as [string, string];
  for (const command of CLI) {
    const words = command.split(' ');
    const theirs = ipRun(['-n', a, ...words]);
    const mine = await nlkit(['-n', b, ...words]);
    t.same({ status: mine.status, stdout: mine.stdout, stderr: mine.stderr }, { status: theirs.status, stdout: theirs.stdout, stderr: theirs.stderr }, command);
    for (const family of ['-4', '-6']) {
      t.equal(ip(b, family, '-d', 'rule', 'show'), ip(a, family, '-d', 'rule', 'show'), `the same ${family} rules after ${command}`);
    }
  }
});
