// Kernel round trips: qdiscs, classes and filters made by nlkit, read back by
// nlkit and by tc, and nlkit's `tc -j -d` rendering equal to tc's JSON.
import t from 'tap';
import { InvalidArgumentError } from '../../../src/netlink/addresses.js';
import { openRoute, type RouteConnection } from '../../../src/route/connection.js';
import { PschedClock } from '../../../src/route/tc/clock.js';
import { parseRate, parseSize } from '../../../src/route/tc/units.js';
import { classToTcJson, filterToTcJson, qdiscToTcJson } from '../../../src/route/tc/tcjson.js';
import { requireRoot, testNetns } from '../../helpers/netns.js';
import { tc, tcJson } from './helpers.js';
import { readFileSync } from 'node:fs';

// tc 6.1 on these machines converts ticks back to bytes as iproute2 did before 6.15.
const clock = new PschedClock(readFileSync('/proc/net/psched', 'utf8'), 'iproute2-before-6.15');

function linkNames(rt: RouteConnection): Map<number, string> {
  return new Map(rt.link.list().map((l) => [l.index, l.name]));
}

/** Counters move with traffic; everything else must match. */
function maskCounters<T>(objects: T[]): T[] {
  const counters = ['bytes', 'packets', 'drops', 'overlimits', 'requeues', 'backlog', 'qlen'];
  return objects.map((o) => Object.fromEntries(Object.entries(o as object).map(([k, v]) => [k, counters.includes(k) ? 0 : v])) as T);
}

if (requireRoot(t)) {
  const [ns] = testNetns(t, 1, 'tc');
  const rt = openRoute({ netns: ns! });
  t.teardown(() => rt.close());
  rt.link.add({ name: 'v0', type: 'veth', up: true, peer: { name: 'v1', up: true } });
  rt.link.add({ name: 'ifb0', type: 'ifb', up: true });
  rt.link.add({ name: 'ifb1', type: 'ifb', up: true });

  t.test('qdiscs: tbf, htb, pfifo, bfifo, ingress, clsact, pfifo_fast, as tc -j -d -s shows them', async (t) => {
    rt.tc.qdisc.add({ dev: 'v0', kind: 'tbf', handle: '1:', rate: '1mbit', burst: '10kb', latency: '25ms' });
    rt.tc.qdisc.add({ dev: 'v0', kind: 'ingress' });
    rt.tc.qdisc.add({ dev: 'v1', kind: 'htb', handle: '1:', default: 0x10, r2q: 5, directQlen: 100 });
    rt.tc.class.add({ dev: 'v1', kind: 'htb', parent: '1:', classid: '1:1', rate: '8mbit' });
    rt.tc.class.add({ dev: 'v1', kind: 'htb', parent: '1:1', classid: '1:10', rate: '1mbit', ceil: '2mbit', burst: '10kb', cburst: '20kb', prio: 3, quantum: 1500 });
    rt.tc.class.add({ dev: 'v1', kind: 'htb', parent: '1:1', classid: '1:20', rate: '1.5Mbit', ceil: '8mbit' });
    rt.tc.qdisc.add({ dev: 'v1', kind: 'pfifo', parent: '1:10', handle: '10:', limit: 100 });
    await rt.tc.qdisc.addAsync({ dev: 'v1', kind: 'bfifo', parent: '1:20', handle: '20:', limit: '10kb' });
    rt.tc.qdisc.add({ dev: 'ifb0', kind: 'pfifo_fast' });
    rt.tc.qdisc.add({ dev: 'ifb1', kind: 'clsact' });
    rt.tc.qdisc.add({ dev: 'ifb1', kind: 'tbf', rate: '16mbit', burst: '20kb/8', limit: '30kb', peakrate: '32mbit', mtu: '2kb', mpu: 64, overhead: 4, linklayer: 'atm' });

    const names = linkNames(rt);
    const ours = rt.tc.qdisc.list().map((q) => qdiscToTcJson(q, names, { stats: true, clock }));
    t.same(maskCounters(ours), maskCounters(tcJson(ns!, '-d', '-s', 'qdisc', 'show')), 'every qdisc of the namespace as tc -j -d -s qdisc show');
    const v1 = rt.link.get('v1').index;
    const onV1 = await rt.tc.qdisc.listAsync({ dev: 'v1' });
    t.same(onV1.map((q) => qdiscToTcJson(q, names, { dev: v1, clock })), tcJson(ns!, '-d', 'qdisc', 'show', 'dev', 'v1'), 'tc qdisc show dev v1');
    const tbf = rt.tc.qdisc.list({ dev: 'v0', parent: 'root' })[0]!;
    t.match(tbf, { kind: 'tbf', handle: 0x10000, options: { rate: 125000, limit: 13365, buffer: 1280000 } }, 'tbf decoded: limit = rate x latency + burst, buffer in ticks');
  });

  t.test('htb classes as tc -d class show prints them (tc 6.1 prints classes as text even with -j)', (t) => {
    const names = linkNames(rt);
    const ours = rt.tc.class.list({ dev: 'v1' }).map((c) => classToTcJson(c, names, { dev: rt.link.get('v1').index, clock }));
    const text = tc(ns!, '-d', 'class', 'show', 'dev', 'v1').trim().split('\n').filter((l) => l.startsWith('class'));
    t.equal(ours.length, text.length, 'as many classes as tc shows');
    for (const line of text) {
      const m = /^class htb (\S+) (?:root|parent (\S+)) (?:leaf (\S+): )?(?:prio (\d+) quantum (\d+) )?rate (\S+) ceil (\S+) linklayer (\S+) burst (\S+)\/(\d+) mpu (\S+) cburst (\S+)\/(\d+) mpu (\S+) level (\d+)/.exec(line);
      if (!m) {
        t.fail(`unexpected tc output ${line}`);
        continue;
      }
      const c = ours.find((o) => o.handle === m[1]);
      t.ok(c, `nlkit lists ${m[1]}`);
      t.same(c, {
        class: 'htb', handle: m[1], ...(m[2] ? { parent: m[2] } : { root: true }), ...(m[3] ? { leaf: `0x${m[3]}` } : {}),
        ...(m[4] ? { prio: Number(m[4]), quantum: Number(m[5]) } : {}),
        rate: parseRate(m[6]!), ceil: parseRate(m[7]!), linklayer: m[8], burst: parseSize(m[9]!), burst_cell: Number(m[10]), mpu_rate: parseSize(m[11]!),
        cburst: parseSize(m[12]!), cburst_cell: Number(m[13]), mpu_ceil: parseSize(m[14]!), level: Number(m[15]),
      }, `class ${m[1]} as tc prints it`);
    }
    t.end();
  });

  t.test('u32 filters with mirred actions, as tc -j -d filter show prints them', async (t) => {
    rt.tc.filter.add({ dev: 'v0', parent: 'ffff:', protocol: 'all', pref: 1, kind: 'u32', match: ['u32 0 0'], flowid: '1:1', actions: [{ kind: 'mirred', direction: 'egress', action: 'redirect', dev: 'ifb0' }] });
    rt.tc.filter.add({ dev: 'v0', parent: 'ffff:', protocol: 'ip', pref: 2, kind: 'u32', match: ['ip dst 10.0.0.0/8', 'ip dport 80 0xffff'], actions: [{ kind: 'mirred', direction: 'ingress', action: 'mirror', dev: 'ifb1', control: 'pipe' }] });
    await rt.tc.filter.addAsync({ dev: 'v1', parent: '1:', protocol: 'ip', pref: 10, kind: 'u32', match: ['ip src 192.0.2.0/24', 'ip protocol 6 0xff'], flowid: '1:10' });
    rt.tc.filter.add({ dev: 'v1', parent: '1:', protocol: 'ip', pref: 20, handle: '2:', kind: 'u32', divisor: 256 });
    rt.tc.filter.add({ dev: 'v1', parent: '1:', protocol: 'ip', pref: 20, kind: 'u32', ht: '800::', match: ['ip src 10.0.0.0/8'], hashkey: { mask: 0xff, at: 12 }, link: '2:' });
    rt.tc.filter.add({ dev: 'v0', parent: 'ffff:', pref: 4, handle: 1, kind: 'bpf', bytecode: [[6, 0, 0, 0], [6, 0, 0, 4294967295]], classid: '1:1', actions: [{ kind: 'mirred', direction: 'egress', action: 'redirect', dev: 'ifb0' }] });
    rt.tc.filter.add({ dev: 'ifb1', parent: 'egress', protocol: 'ipv6', pref: 3, chain: 0, kind: 'u32', match: ['u16 0x1000 0xf000 at 4'], actions: [{ kind: 'mirred', direction: 'egress', action: 'mirror', dev: 'v0' }] });

    const names = linkNames(rt);
    const cases: [string, string, string[]][] = [['v0', 'ffff:', ['parent', 'ffff:']], ['v1', '1:', ['parent', '1:']], ['ifb1', 'egress', ['egress']]];
    for (const [dev, parent, words] of cases) {
      const index = rt.link.get(dev).index;
      const listed = rt.tc.filter.list({ dev, parent });
      t.ok(listed.length >= 2, `filters listed on ${dev} ${parent}`);
      const parentNumber = listed[0]!.parent;
      t.same(listed.map((f) => filterToTcJson(f, names, { dev: index, parent: parentNumber, clock })), tcJson(ns!, '-d', 'filter', 'show', 'dev', dev, ...words), `tc filter show dev ${dev} ${words.join(' ')}`);
    }
    const all = await rt.tc.filter.listAsync({ dev: 'v0', parent: 'ffff:' });
    const withActions = all.find((f) => f.pref === 1 && (f.options as { actions?: unknown[] } | undefined)?.actions);
    t.match(withActions, { kind: 'u32', protocol: 3, options: { classid: 0x10001, actions: [{ order: 1, kind: 'mirred', options: { eaction: 1, ifindex: rt.link.get('ifb0').index } }] } }, 'decoded u32 with mirred');
    t.same(rt.tc.filter.list({ dev: 'v0', parent: 'ffff:', pref: 2 }).map((f) => f.pref), [2, 2, 2], 'list by pref');
    t.match(rt.tc.filter.list({ dev: 'v0', parent: 'ffff:', pref: 4 }).at(-1), { kind: 'bpf', handle: 1, options: { bytecode: [[6, 0, 0, 0], [6, 0, 0, 4294967295]], classid: 0x10001 } }, 'classic bpf read back');
  });

  t.test('change, replace and delete', async (t) => {
    rt.tc.qdisc.change({ dev: 'v0', kind: 'tbf', handle: '1:', rate: '2mbit', burst: '20kb', latency: '50ms' });
    t.match(rt.tc.qdisc.list({ dev: 'v0', parent: 'root' })[0], { options: { rate: 250000 } }, 'tbf changed');
    rt.tc.class.replace({ dev: 'v1', kind: 'htb', parent: '1:1', classid: '1:20', rate: '3mbit' });
    t.match(rt.tc.class.list({ dev: 'v1' }).find((c) => c.handle === 0x10020), { options: { class: { rate: 375000, ceil: 375000 } } }, 'htb class replaced');
    rt.tc.qdisc.replace({ dev: 'ifb0', kind: 'tbf', rate: '1mbit', burst: '10kb', latency: '25ms' });
    t.match(rt.tc.qdisc.list({ dev: 'ifb0' }), [{ kind: 'tbf' }], 'pfifo_fast replaced by tbf');

    rt.tc.filter.delete({ dev: 'v0', parent: 'ffff:', pref: 2 });
    t.same(rt.tc.filter.list({ dev: 'v0', parent: 'ffff:' }).map((f) => f.pref), [1, 1, 1, 4, 4], 'filter pref 2 deleted');
    await rt.tc.qdisc.deleteAsync({ dev: 'v0', kind: 'ingress' });
    rt.tc.qdisc.delete({ dev: 'v1', parent: 'root' });
    t.same(rt.tc.qdisc.list({ dev: 'v1' }).map((q) => q.kind), ['noqueue'], 'htb and its children gone: the veth is back to noqueue');
    t.same(tcJson(ns!, 'filter', 'show', 'dev', 'v0', 'parent', 'ffff:'), [], 'tc sees no filters on the deleted ingress qdisc');
  });

  t.test('typed errors', async (t) => {
    t.throws(() => rt.tc.qdisc.add({ dev: 'v0', kind: 'tbf', handle: '1:', rate: '1mbit', burst: '10kb', latency: '25ms' }), { name: 'NetlinkError', code: 'EEXIST' }, 'EEXIST for a second root qdisc');
    await t.rejects(rt.tc.class.deleteAsync({ dev: 'v0', classid: '1:99' }), { name: 'NetlinkError' }, 'deleting a class that is not there');
    t.throws(() => rt.tc.qdisc.add({ dev: 'v0', kind: 'tbf', rate: '1 mbit', burst: '10kb', latency: '25ms' }), InvalidArgumentError, 'a rate tc would not read');
    t.throws(() => rt.tc.qdisc.add({ dev: 'v0', kind: 'tbf', rate: '1mbit', burst: '10kb' }), /latency or limit/, 'tbf without latency or limit');
    t.throws(() => rt.tc.qdisc.add({ dev: 'v0', kind: 'tbf', rate: '1mbit', burst: '10kb', latency: '25ms', brust: 1 }), /no option "brust"/, 'a typo');
    t.throws(() => rt.tc.qdisc.add({ dev: 'v0', kind: 'sfb' }), /unknown qdisc kind "sfb"; nlkit knows: tbf, htb/, 'an unknown kind');
    t.throws(() => rt.tc.filter.add({ dev: 'v0', parent: 'root', kind: 'u32', match: ['ip dst 10.0.0.0/33'] }), /prefix length/, 'a bad match');
    t.throws(() => rt.tc.filter.add({ dev: 'v0', parent: 'root', kind: 'u32', actions: [{ kind: 'mirred', direction: 'sideways', action: 'redirect', dev: 'ifb0' }] }), /mirred direction/, 'a bad action');
    t.throws(() => rt.tc.class.list({} as never), /needs dev/, 'classes are listed per link');
    t.throws(() => rt.tc.filter.add({ dev: 'nosuch0', parent: 'root', kind: 'u32', match: ['u32 0 0'] }), { name: 'LinkNotFoundError' }, 'an unknown link');
  });
}
