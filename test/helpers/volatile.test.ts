// The masks of the kernel tests hide what moves between two reads and nothing
// else: a mask that hid a real difference would make those tests unable to fail.
import t from 'tap';
import { isDeepStrictEqual } from 'node:util';
import type { Link } from '../../src/route/links/index.js';
import { readTogether } from './read-together.js';
import { MASKED, maskAddressJson, maskLink, maskLinkJson, maskNftJson, maskNftText, maskRouteJson } from './volatile.js';

const same = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);

function bridgeEntry(gc: unknown, forwardDelay = 1500) {
  return {
    ifname: 'br0',
    linkinfo: { info_kind: 'bridge', info_data: { forward_delay: forwardDelay, hello_timer: 0, gc_timer: gc, stp_state: 0 } },
    stats64: { rx: { bytes: 10, packets: 1 }, tx: { bytes: 0, packets: 0 } },
  };
}

function portEntry(timer: number, state: string) {
  return { ifname: 'v1', linkinfo: { info_slave_kind: 'bridge', info_slave_data: { state, forward_delay_timer: timer, hold_timer: 0 } } };
}

t.test('link JSON: timers and statistics masked, configuration and state compared', async (t) => {
  t.ok(same(maskLinkJson([bridgeEntry(0.07)]), maskLinkJson([bridgeEntry(299.33)])), 'gc_timer wrapping from 0.07 to 299.33');
  t.strictSame(maskLinkJson(bridgeEntry(1)).linkinfo.info_data, { forward_delay: 1500, hello_timer: MASKED.timer, gc_timer: MASKED.timer, stp_state: 0 }, 'key order and neighbours kept');
  t.notOk(same(maskLinkJson(bridgeEntry(1, 1500)), maskLinkJson(bridgeEntry(1, 1000))), 'a configured delay still differs');
  t.notOk(same(maskLinkJson(bridgeEntry(1)), maskLinkJson(bridgeEntry('1.00'))), 'a timer printed as a string is not masked');
  t.notOk(same(maskLinkJson(bridgeEntry(1)), maskLinkJson(bridgeEntry(-1))), 'nor a negative one');
  t.notOk(same(maskLinkJson(bridgeEntry(1)), maskLinkJson({ ...bridgeEntry(1), linkinfo: { info_kind: 'bridge', info_data: { forward_delay: 1500, hello_timer: 0, stp_state: 0 } } })), 'a missing timer is a difference');
  t.ok(same(maskLinkJson(portEntry(14.98, 'forwarding')), maskLinkJson(portEntry(13.2, 'forwarding'))), 'port forward_delay_timer');
  t.notOk(same(maskLinkJson(portEntry(1, 'listening')), maskLinkJson(portEntry(1, 'forwarding'))), 'a port state change is a difference');
  const vxlan = (v: number) => ({ linkinfo: { info_kind: 'vxlan', info_data: { gc_timer: v } } });
  t.notOk(same(maskLinkJson(vxlan(1)), maskLinkJson(vxlan(2))), 'only a bridge\'s timers are masked');
  t.strictSame(maskLinkJson(bridgeEntry(1)).stats64, { rx: { bytes: MASKED.counter, packets: MASKED.counter }, tx: { bytes: MASKED.counter, packets: MASKED.counter } });
  const input = bridgeEntry(5);
  maskLinkJson(input);
  t.equal(input.linkinfo.info_data.gc_timer, 5, 'the input is left alone');
});

t.test('address and route JSON: finite countdowns masked, forever compared', async (t) => {
  const entry = (valid: number, preferred: number, local = '10.0.0.1') => [{ ifname: 'v0', addr_info: [{ local, valid_life_time: valid, preferred_life_time: preferred }] }];
  t.ok(same(maskAddressJson(entry(1000, 500)), maskAddressJson(entry(990, 490))));
  t.ok(same(maskAddressJson(entry(0xffffffff, 0xffffffff)), maskAddressJson(entry(0xffffffff, 0xffffffff))));
  t.notOk(same(maskAddressJson(entry(0xffffffff, 0xffffffff)), maskAddressJson(entry(1000, 0xffffffff))), 'forever against finite');
  t.notOk(same(maskAddressJson(entry(1000, 500)), maskAddressJson(entry(1000, 500, '10.0.0.2'))), 'the address itself');
  t.notOk(same(maskAddressJson([bridgeEntry(1, 1500)]), maskAddressJson([bridgeEntry(1, 1000)])), 'the link part is compared as in maskLinkJson');
  t.ok(same(maskAddressJson([bridgeEntry(1)]), maskAddressJson([bridgeEntry(2)])));
  const route = (expires: number | undefined, metric = 1024) => ({ dst: '2001:db8::/64', metric, ...(expires === undefined ? {} : { expires }) });
  t.ok(same(maskRouteJson([route(299)]), maskRouteJson([route(297)])));
  t.notOk(same(maskRouteJson([route(299)]), maskRouteJson([route(undefined)])), 'an expiry that is not there');
  t.notOk(same(maskRouteJson([route(299, 1024)]), maskRouteJson([route(299, 100)])), 'metric');
});

t.test('nft: element expiry masked in text and JSON, timeouts compared', async (t) => {
  t.equal(maskNftText('elements = { 0x00000010 timeout 1h expires 59m59s984ms, 0x00000020 }'), `elements = { 0x00000010 timeout 1h expires ${MASKED.countdown}, 0x00000020 }`);
  t.equal(maskNftText('{ 1.2.3.4 timeout 1s expires 984ms }'), `{ 1.2.3.4 timeout 1s expires ${MASKED.countdown} }`);
  t.equal(maskNftText('10.0.0.1 timeout 2d expires 1d23h59m59s\n'), `10.0.0.1 timeout 2d expires ${MASKED.countdown}\n`);
  t.equal(maskNftText('timeout 1h'), 'timeout 1h', 'a set\'s timeout is left alone');
  const set = (expires: number, timeout = 3600) => [{ set: { name: 'marks', elem: [{ elem: { val: 16, timeout, expires } }, 32] } }];
  t.ok(same(maskNftJson(set(3599)), maskNftJson(set(3000))));
  t.notOk(same(maskNftJson(set(3599, 3600)), maskNftJson(set(3599, 60))), 'timeout');
  const map = (expires: number) => [{ map: { name: 'm', elem: [[{ elem: { val: 80, timeout: 60, expires } }, 'accept']] } }];
  t.ok(same(maskNftJson(map(59)), maskNftJson(map(12))), 'a map element\'s key');
});

/** An IFLA_AF_SPEC payload: AF_INET6 { FLAGS, STATS, CACHEINFO }. */
function afSpec(counter: number, reachable: number, flags = 0x80000000): Buffer {
  const attr = (type: number, payload: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt16LE(4 + payload.length, 0);
    head.writeUInt16LE(type, 2);
    return Buffer.concat([head, payload, Buffer.alloc((4 - (payload.length % 4)) % 4)]);
  };
  const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };
  const stats = Buffer.alloc(16, counter);
  const cacheinfo = Buffer.concat([u32(65535), u32(1234), u32(reachable), u32(1000)]);
  return attr(10 | 0x8000, Buffer.concat([attr(1, u32(flags)), attr(3, stats), attr(5, cacheinfo)]));
}

function link(overrides: Partial<Link>): Link {
  return {
    name: 'br0', index: 3, kind: 'bridge', info: { helloTimer: 0, gcTimer: 7, forwardDelay: 1500 },
    stats64: { rxPackets: 1, txPackets: 2 }, afSpec: afSpec(1, 30000),
    unknown: [{ type: 7, nested: false, data: Buffer.alloc(8, 9) }, { type: 14, nested: false, data: Buffer.alloc(8, 3) }],
    ...overrides,
  } as unknown as Link;
}

t.test('nlkit Link: timers, statistics and raw counters masked, the rest byte for byte', async (t) => {
  t.ok(same(maskLink(link({})), maskLink(link({ info: { helloTimer: 0, gcTimer: 29000, forwardDelay: 1500 } as never, stats64: { rxPackets: 9, txPackets: 9 } as never }))));
  t.notOk(same(maskLink(link({})), maskLink(link({ info: { helloTimer: 0, gcTimer: 7, forwardDelay: 1000 } as never }))), 'bridge configuration');
  t.ok(same(maskLink(link({})), maskLink(link({ afSpec: afSpec(200, 41000) }))), 'IPv6 counters and reachable_time');
  t.notOk(same(maskLink(link({})), maskLink(link({ afSpec: afSpec(1, 30000, 0) }))), 'IPv6 flags');
  const masked = maskLink(link({}));
  t.equal(masked.afSpec.readUInt32LE(4 + 4), 0x80000000, 'the flags bytes are untouched');
  t.ok(same(maskLink(link({})), maskLink(link({ unknown: [{ type: 7, nested: false, data: Buffer.alloc(8, 1) }, { type: 14, nested: false, data: Buffer.alloc(8, 3) }] }))), 'IFLA_STATS bytes');
  t.notOk(same(maskLink(link({})), maskLink(link({ unknown: [{ type: 7, nested: false, data: Buffer.alloc(8, 9) }, { type: 14, nested: false, data: Buffer.alloc(8, 4) }] }))), 'another raw attribute');
  const original = link({});
  maskLink(original);
  t.equal(original.afSpec![12 + 8], 1, 'the decoded link is left alone');
  t.equal((original.info as { gcTimer: number }).gcTimer, 7);
});

t.test('readTogether: masked noise passes at once, a change that keeps happening fails naming it', async (t) => {
  let reads = 0;
  let nlkitReads = 0;
  const noisy = readTogether(() => [bridgeEntry(++reads)], () => ++nlkitReads, maskLinkJson);
  t.equal(nlkitReads, 1, 'timers moving between the two ip reads do not cause a retry');
  t.equal(noisy.mine, 1);
  let flips = 0;
  const settles = readTogether(() => [{ flags: ++flips < 2 ? ['tentative'] : [] }], () => 'mine', (x) => x, { pauseMs: 1 });
  t.strictSame(settles.theirs, [{ flags: [] }], 'a transition is waited out');
  t.equal(flips, 4, 'one retry');
  let n = 0;
  t.throws(() => readTogether(() => [{ ifname: 'v0', mtu: ++n }], () => 0, maskLinkJson, { attempts: 3, pauseMs: 1 }), {
    message: /kept changing between reads \(3 tries.*\[0\]\.mtu: 5 then 6/,
  });
});
