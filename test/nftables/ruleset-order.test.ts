// The order addRuleset queues a ruleset's sets and rules in (ruleset-order.ts):
// rules of chains that bind anonymous sets first, each anonymous set just
// before its rule; named sets first and in their listed order; a dynset
// target's default size left out. The kernel round trips that prove the order
// keeps a ruleset identical are test/nftables/kube-proxy.test.ts and the corpus.
import t from 'tap';
import type { Rule, SetSpec } from '../../src/nftables/index.js';
import { setsAndRulesInBatchOrder, type RulesetStep } from '../../src/nftables/ruleset-order.js';

const table = { family: 'ip' as const, table: 'kube-proxy' };

function rule(chain: string, handle: number, ...sets: [kind: 'lookup' | 'dynset', name: string][]): Rule {
  return {
    ...table, chain, handle,
    expressions: sets.map(([kind, set]) => (kind === 'lookup' ? { kind, set, sreg: 1 } : { kind, set, op: 'update', sregKey: 1 })) as Rule['expressions'],
  };
}

const named = (name: string, extra: Partial<SetSpec> = {}): SetSpec => ({ ...table, name, type: 'ipv4_addr', ...extra });
const anonymous = (name: string): SetSpec => ({ ...table, name, type: 'integer', map: 'verdict', flags: ['anonymous', 'constant', 'map'], size: 2 } as SetSpec);

/** A step as `set NAME` or `rule CHAIN#HANDLE`, for readable comparisons. */
const label = (step: RulesetStep) => (step.set ? `set ${step.set.name}` : `rule ${step.rule!.chain}#${(step.rule as Rule).handle}`);

t.test('rules of chains binding anonymous sets first, each set just before its rule; named sets first, as listed', async (t) => {
  const sets = [named('cluster-ips'), anonymous('__map0'), named('service-ips'), anonymous('__set1'), anonymous('__map2')];
  const rules = [
    rule('services', 1, ['lookup', 'service-ips']),
    rule('service-a', 2),
    rule('endpoint-a', 3),
    rule('service-a', 4, ['lookup', '__map0']),
    rule('cluster-ips-check', 5, ['lookup', 'cluster-ips']),
    rule('cluster-ips-check', 6, ['lookup', '__set1']),
    rule('service-b', 7, ['lookup', '__map2']),
  ];
  t.same(setsAndRulesInBatchOrder(sets, rules).map(label), [
    'set cluster-ips', 'set service-ips',
    'rule service-a#2', 'set __map0', 'rule service-a#4',
    'rule cluster-ips-check#5', 'set __set1', 'rule cluster-ips-check#6',
    'set __map2', 'rule service-b#7',
    'rule services#1', 'rule endpoint-a#3',
  ]);
});

t.test('a dynset target lists size 65535 from the kernel: left out, and only there', async (t) => {
  const sets = [named('affinity-a', { flags: ['dynamic', 'timeout'], size: 0xffff }), named('sized', { size: 0xffff }), named('affinity-b', { flags: ['dynamic'], size: 1024 })];
  const rules = [rule('endpoint-a', 1, ['dynset', 'affinity-a']), rule('endpoint-b', 2, ['dynset', 'affinity-b'])];
  const steps = setsAndRulesInBatchOrder(sets, rules);
  t.same(steps.map((s) => s.set && [s.set.name, s.set.size]).filter(Boolean), [['affinity-a', undefined], ['sized', 0xffff], ['affinity-b', 1024]]);
  t.equal(sets[0]!.size, 0xffff, 'the caller\'s set is not changed');
  t.equal(steps[1]!.set, sets[1], 'sets without a change pass through as they are');
});

t.test('the same names in another table or family are other sets', async (t) => {
  const other = { family: 'ip6' as const, table: 'kube-proxy' };
  const sets = [anonymous('__map0'), { ...anonymous('__map0'), ...other }];
  const rules = [{ ...rule('service-a', 1, ['lookup', '__map0']), ...other }, rule('service-b', 2)];
  t.same(setsAndRulesInBatchOrder(sets, rules).map((s) => (s.set ? `set ${s.set.family}` : `rule ${s.rule!.family}`)), ['set ip6', 'rule ip6', 'rule ip', 'set ip']);
});

t.test('anonymous sets no rule uses, rules without expression lists and malformed items keep their place for the add methods to judge', async (t) => {
  const built = { ...table, chain: 'input', rule: { build: () => [] } } as never;
  const broken = { ...table, chain: 'input', handle: 1, expressions: [null, 7] } as never;
  const steps = setsAndRulesInBatchOrder([anonymous('__set9'), null as never], [built, 42 as never, broken]);
  t.same(steps.map((s) => (s.set !== undefined ? s.set : s.rule)), [null, built, 42, broken, anonymous('__set9')]);
});
