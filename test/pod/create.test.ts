// createPod against the kernel: it must build exactly what the plain API
// builds (compared with `ip -j -d` in two identical host namespaces), refuse
// bad specs before anything exists, and leave nothing behind when a step fails.
import { readFileSync, writeFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import {
  createNetns, createPod, createPodAsync, deletePod, InvalidArgumentError, NetlinkBatchError, NetnsExistsError, netnsExists,
  openNamespacePool, openRoute, PodSysctlError, withNetns, type Pod, type PodSpec, type RouteConnection,
} from '../../src/index.js';
import { deleteNetns } from '../../src/netns/index.js';
import { openNlkitFds } from '../helpers/fds.js';
import { ip, ipJson, requireRoot, testNetns, uniqueNetnsName } from '../helpers/netns.js';
import { maskAddressJson, maskLinkJson, maskRouteJson } from '../helpers/volatile.js';

if (!requireRoot(t)) process.exit(0);

/** A host namespace with a bridge br0 (10.88.0.1/16, fd00::1/64) and its connection. */
function hostWithBridge(t: Test): { host: RouteConnection; netns: string; bridge: number } {
  const [netns] = testNetns(t, 1, 'podhost');
  const host = openRoute({ netns: netns! });
  t.teardown(() => host.close());
  host.link.add({ name: 'br0', type: 'bridge', up: true, address: '02:00:00:00:01:00' });
  const bridge = host.link.get('br0').index;
  host.addr.add({ dev: bridge, address: '10.88.0.1/16' });
  host.addr.add({ dev: bridge, address: 'fd00::1/64', flags: { nodad: true } });
  return { host, netns: netns!, bridge };
}

/** A unique pod namespace name, deleted when the test ends whatever happened. */
function podName(t: Test, tag: string): string {
  const name = uniqueNetnsName(tag);
  t.teardown(() => {
    if (netnsExists(name)) deleteNetns(name);
  });
  return name;
}

const HOST_MAC = '02:00:00:00:00:0a';
const POD_MAC = '02:00:00:00:00:0b';

function fullSpec(netns: string, bridge: number, extra: Partial<PodSpec> = {}): PodSpec {
  return {
    netns,
    hostEnd: { name: 'vpod', master: bridge, address: HOST_MAC, mtu: 1400 },
    podEnd: { address: POD_MAC },
    addresses: ['10.88.0.2/16', { address: 'fd00::2/64', flags: { nodad: true } }],
    routes: [
      { dst: 'default', gateway: '10.88.0.1' },
      { dst: 'default', gateway: 'fd00::1' },
      { dst: '10.99.0.0/16', gateway: '10.88.0.254', metric: 50 },
    ],
    sysctls: { 'net.ipv4.conf.eth0.arp_notify': 1, 'net/ipv6/conf/eth0/accept_ra': '0' },
    ...extra,
  };
}

/** The same pod with the plain API, step by step, as the README showed it before the fast path. */
function plainPod(host: RouteConnection, netns: string, bridge: number): void {
  createNetns(netns);
  host.link.add({ type: 'veth', name: 'vpod', master: bridge, up: true, mtu: 1400, address: HOST_MAC, peer: { name: 'eth0', netns, address: POD_MAC, mtu: 1400 } });
  withNetns(netns, () => {
    writeFileSync('/proc/sys/net/ipv4/conf/eth0/arp_notify', '1');
    writeFileSync('/proc/sys/net/ipv6/conf/eth0/accept_ra', '0');
  });
  const inside = openRoute({ netns });
  try {
    inside.link.set('lo', { up: true });
    inside.addr.add({ dev: 'eth0', address: '10.88.0.2/16' });
    inside.addr.add({ dev: 'eth0', address: 'fd00::2/64', flags: { nodad: true } });
    inside.link.set('eth0', { up: true });
    inside.route.add({ dst: 'default', gateway: '10.88.0.1' });
    inside.route.add({ dst: 'default', gateway: 'fd00::1' });
    inside.route.add({ dst: '10.99.0.0/16', gateway: '10.88.0.254', metric: 50 });
  } finally {
    inside.close();
  }
}

/** Everything `ip -j -d` shows of a pod and its host end, with running timers and counters masked. */
function snapshot(hostNetns: string, podNetns: string): Record<string, unknown> {
  const hostEnd = ipJson(hostNetns, '-d', 'link', 'show', 'vpod') as Record<string, unknown>[];
  // Bridge port ids and numbers count the ports a bridge ever had; both bridges had one.
  return {
    hostEnd: maskLinkJson(hostEnd),
    podLinks: maskLinkJson(ipJson(podNetns, '-d', 'link', 'show')),
    podAddresses: maskAddressJson(ipJson(podNetns, '-d', 'addr', 'show')),
    podRoutes4: maskRouteJson(ipJson(podNetns, '-d', 'route', 'show', 'table', 'all')),
    podRoutes6: maskRouteJson(ipJson(podNetns, '-d', '-6', 'route', 'show', 'table', 'all')),
    sysctls: withNetns(podNetns, () => [
      readFileSync('/proc/sys/net/ipv4/conf/eth0/arp_notify', 'utf8'),
      readFileSync('/proc/sys/net/ipv6/conf/eth0/accept_ra', 'utf8'),
    ]),
  };
}

// A pooled namespace was made by another thread, its lo brought up there before
// any pod device existed, and it is named by linking a file made ahead: the
// pod must still be the plain API's, to the last flag and route.
for (const [form, pooled] of [['createPod', false], ['createPodAsync', false], ['createPod', true], ['createPodAsync', true]] as const) {
  t.test(`${form}${pooled ? ' from a pool' : ''} builds exactly what the plain API builds (ip -j -d of both)`, async (t) => {
    const plain = hostWithBridge(t);
    const fast = hostWithBridge(t);
    const plainNetns = podName(t, 'plainpod');
    const fastNetns = podName(t, 'fastpod');
    plainPod(plain.host, plainNetns, plain.bridge);
    const pool = pooled ? openNamespacePool({ size: 1 }) : undefined;
    t.teardown(() => pool?.close());
    await pool?.whenReady();
    const spec = fullSpec(fastNetns, fast.bridge, pool ? { pool } : {});
    const pod = form === 'createPod' ? createPod(fast.host, spec) : await createPodAsync(fast.host, spec);
    t.same(pod, {
      netns: fastNetns, createdNetns: true, fromPool: pooled,
      hostEnd: { name: 'vpod', index: fast.host.link.get('vpod').index, address: HOST_MAC },
      podEnd: { name: 'eth0', index: 2, address: POD_MAC },
    }, 'what it returns is what the kernel holds');
    // The kernel's link-local address stays tentative (and its local route
    // absent) until DAD ends, about a second after eth0 came up: the plain pod
    // was made first, so wait for both to settle before comparing.
    await dadSettled(t, [plainNetns, fastNetns]);
    t.same(snapshot(fast.netns, fastNetns), snapshot(plain.netns, plainNetns));
  });
}

/** Waits (up to 5 s) until no address in these namespaces is tentative. */
async function dadSettled(t: Test, namespaces: string[]): Promise<void> {
  const tentative = () => namespaces.flatMap((ns) => (ipJson(ns, 'addr', 'show') as { addr_info: { local: string; tentative?: boolean }[] }[])
    .flatMap((l) => l.addr_info.filter((a) => a.tentative).map((a) => `${ns}: ${a.local}`)));
  for (const deadline = Date.now() + 5_000; Date.now() < deadline;) {
    if (tentative().length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  t.fail(`addresses still tentative after 5 s: ${tentative().join(', ')}`);
}

// ipv6LinkLocal: false must take effect on both ends before either has a
// carrier, or the kernel has made (and started announcing) a link-local
// address already: the result is compared with the plain API doing
// `ip link set … addrgenmode none` on each end before eth0 comes up.
for (const [form, pooled] of [['createPod', false], ['createPodAsync', false], ['createPod', true], ['createPodAsync', true]] as const) {
  t.test(`${form}${pooled ? ' from a pool' : ''} with ipv6LinkLocal: false: no link-local address on either end, as the plain API with addrgenmode none`, async (t) => {
    const plain = hostWithBridge(t);
    const fast = hostWithBridge(t);
    const plainNetns = podName(t, 'plainll');
    const fastNetns = podName(t, 'fastll');
    createNetns(plainNetns);
    plain.host.link.add({ type: 'veth', name: 'vpod', master: plain.bridge, up: true, address: HOST_MAC, peer: { name: 'eth0', netns: plainNetns, address: POD_MAC } });
    ip(plain.netns, 'link', 'set', 'vpod', 'addrgenmode', 'none');
    ip(plainNetns, 'link', 'set', 'eth0', 'addrgenmode', 'none');
    const inside = openRoute({ netns: plainNetns });
    try {
      inside.link.set('lo', { up: true });
      inside.addr.add({ dev: 'eth0', address: '10.88.0.2/16' });
      inside.link.set('eth0', { up: true });
      inside.route.add({ dst: 'default', gateway: '10.88.0.1' });
    } finally {
      inside.close();
    }
    const pool = pooled ? openNamespacePool({ size: 1 }) : undefined;
    t.teardown(() => pool?.close());
    await pool?.whenReady();
    const spec: PodSpec = {
      netns: fastNetns, hostEnd: { name: 'vpod', master: fast.bridge, address: HOST_MAC }, podEnd: { address: POD_MAC },
      addresses: ['10.88.0.2/16'], routes: [{ dst: 'default', gateway: '10.88.0.1' }], ipv6LinkLocal: false, ...(pool ? { pool } : {}),
    };
    const pod = form === 'createPod' ? createPod(fast.host, spec) : await createPodAsync(fast.host, spec);
    t.equal(pod.fromPool, pooled);
    const hostEnd = ipJson(fast.netns, '-d', 'link', 'show', 'vpod')[0];
    const podEnd = ipJson(fastNetns, '-d', 'link', 'show', 'eth0')[0];
    t.equal(hostEnd.inet6_addr_gen_mode, 'none', 'host end: addrgenmode none');
    t.equal(podEnd.inet6_addr_gen_mode, 'none', 'pod end: addrgenmode none');
    t.ok(podEnd.flags.includes('LOWER_UP'), 'the pair has its carrier');
    t.same(ipJson(fast.netns, '-6', 'addr', 'show', 'dev', 'vpod').flatMap((l: { addr_info: unknown[] }) => l.addr_info), [], 'no IPv6 address on the host end');
    t.same(ipJson(fastNetns, '-6', 'addr', 'show', 'dev', 'eth0').flatMap((l: { addr_info: unknown[] }) => l.addr_info), [], 'no IPv6 address on the pod end');
    const view = (hostNetns: string, podNetns: string) => ({
      hostEnd: maskLinkJson(ipJson(hostNetns, '-d', 'link', 'show', 'vpod')),
      podLinks: maskLinkJson(ipJson(podNetns, '-d', 'link', 'show')),
      podAddresses: maskAddressJson(ipJson(podNetns, '-d', 'addr', 'show')),
      podRoutes6: maskRouteJson(ipJson(podNetns, '-d', '-6', 'route', 'show', 'table', 'all')),
      hostRoutes6: maskRouteJson(ipJson(hostNetns, '-d', '-6', 'route', 'show', 'table', 'all', 'dev', 'vpod')),
    });
    t.same(view(fast.netns, fastNetns), view(plain.netns, plainNetns));
  });
}

t.test('ipv6LinkLocal must be a boolean', async (t) => {
  const { host, bridge } = hostWithBridge(t);
  const name = podName(t, 'llbad');
  for (const value of ['false', 0, null]) {
    t.throws(() => createPod(host, { netns: name, hostEnd: { name: 'vll', master: bridge }, ipv6LinkLocal: value as unknown as boolean }), { name: 'InvalidArgumentError', message: /pod spec ipv6LinkLocal must be true or false/ });
  }
  t.notOk(netnsExists(name), 'nothing was made');
});

t.test('random MACs are returned as the kernel holds them; the pod reaches the bridge', async (t) => {
  const { host, netns, bridge } = hostWithBridge(t);
  const name = podName(t, 'pod');
  const pod = createPod(host, { netns: name, hostEnd: { name: 'vr', master: bridge }, addresses: ['10.88.0.3/16'], routes: [{ dst: 'default', gateway: '10.88.0.1' }, { dst: '10.97.0.1', dev: 'lo' }] });
  t.same(ipJson(name, 'route', 'show', '10.97.0.1').map((r: { dev: string }) => r.dev), ['lo'], 'a route through lo');
  const inside = ipJson(name, 'link', 'show', 'eth0')[0];
  t.equal(inside.address, pod.podEnd.address);
  t.equal(inside.ifindex, pod.podEnd.index);
  t.equal(Number.parseInt(pod.podEnd.address.slice(0, 2), 16) & 3, 2, 'locally administered unicast');
  const outside = ipJson(netns, 'link', 'show', 'vr')[0];
  t.equal(outside.address, pod.hostEnd.address);
  t.equal(outside.ifindex, pod.hostEnd.index);
  t.equal(outside.master, 'br0');
  t.ok(outside.flags.includes('UP'), 'the host end is up');
  t.same(ipJson(name, 'route', 'show', 'default').map((r: { gateway: string }) => r.gateway), ['10.88.0.1']);
  deletePod(pod);
  t.notOk(netnsExists(name), 'deletePod removes the namespace');
});

t.test('bad specs are refused before anything exists', async (t) => {
  const { host, netns, bridge } = hostWithBridge(t);
  const name = podName(t, 'bad');
  const before = ipJson(netns, 'link', 'show').length;
  const fds = openNlkitFds();
  const bad: [string, unknown, RegExp][] = [
    ['no spec', undefined, /pod spec must be an object/],
    ['no netns', { hostEnd: { name: 'v1' } }, /needs netns/],
    ['unknown key', { netns: name, hostEnd: { name: 'v1' }, adresses: [] }, /no field "adresses"/],
    ['master by name', { netns: name, hostEnd: { name: 'v1', master: 'br0' } }, /master's ifindex/],
    ['long host name', { netns: name, hostEnd: { name: 'x'.repeat(16) } }, /hostEnd.name/],
    ['pod end lo', { netns: name, hostEnd: { name: 'v1' }, podEnd: { name: 'lo' } }, /cannot be "lo"/],
    ['multicast MAC', { netns: name, hostEnd: { name: 'v1' }, podEnd: { address: '01:00:5e:00:00:01' } }, /multicast/],
    ['bad address', { netns: name, hostEnd: { name: 'v1' }, addresses: ['10.0.0.300/24'] }, /address/],
    ['address with dev', { netns: name, hostEnd: { name: 'v1' }, addresses: [{ dev: 'eth0', address: '10.0.0.2/24' }] }, /takes no dev/],
    ['route dev elsewhere', { netns: name, hostEnd: { name: 'v1' }, routes: [{ dst: 'default', dev: 'eth1' }] }, /dev must be "lo" or the pod end/],
    ['multipath', { netns: name, hostEnd: { name: 'v1' }, routes: [{ dst: 'default', nexthops: [] }] }, /not nexthops/],
    ['sysctl outside net', { netns: name, hostEnd: { name: 'v1' }, sysctls: { 'kernel.hostname': 'x' } }, /under net\./],
    ['sysctl escape', { netns: name, hostEnd: { name: 'v1' }, sysctls: { 'net/../../kernel/x': 1 } }, /under net\./],
    ['mtu', { netns: name, hostEnd: { name: 'v1', mtu: 20 } }, /mtu/],
    ['pool not a pool', { netns: name, hostEnd: { name: 'v1' }, pool: {} }, /NamespacePool/],
  ];
  for (const [what, s, message] of bad) {
    t.throws(() => createPod(host, s as PodSpec), message, what);
    await t.rejects(createPodAsync(host, s as PodSpec), message, `${what} (async)`);
  }
  t.throws(() => createPod({} as RouteConnection, { netns: name, hostEnd: { name: 'v1', master: bridge } }), InvalidArgumentError, 'host must be a RouteConnection');
  t.notOk(netnsExists(name), 'no namespace was made');
  t.equal(ipJson(netns, 'link', 'show').length, before, 'no link was made');
  t.equal(openNlkitFds(), fds, 'no fd left open');
});

t.test('a step the kernel refuses undoes the pod: no namespace, no host end', async (t) => {
  const { host, netns, bridge } = hostWithBridge(t);
  for (const form of ['sync', 'async'] as const) {
    const name = podName(t, 'fail');
    const fds = openNlkitFds();
    // 10.77.0.1 is on no connected network inside the pod: the route is refused after everything else exists.
    const s: PodSpec = { netns: name, hostEnd: { name: 'vfail', master: bridge }, addresses: ['10.88.0.9/16'], routes: [{ dst: '10.99.0.0/16', gateway: '10.77.0.1' }] };
    const error = form === 'sync' ? (() => { try { createPod(host, s); } catch (e) { return e; } })() : await createPodAsync(host, s).catch((e: unknown) => e);
    t.type(error, NetlinkBatchError, form);
    t.match((error as Error).message, /add route 10\.99\.0\.0\/16 via 10\.77\.0\.1 dev eth0 .* in netns .*ENETUNREACH/, `${form}: names the request, object and errno`);
    t.notOk(netnsExists(name), `${form}: the namespace is gone`);
    // The kernel removes the host end with the namespace, a moment later.
    for (let i = 0; i < 500 && ipJson(netns, 'link', 'show').some((l: { ifname: string }) => l.ifname === 'vfail'); i++) await new Promise((r) => setTimeout(r, 10));
    t.notOk(ipJson(netns, 'link', 'show').some((l: { ifname: string }) => l.ifname === 'vfail'), `${form}: the host end is gone`);
    t.equal(openNlkitFds(), fds, `${form}: no fd left open`);
  }
});

t.test('a taken host end name fails with the kernel error and removes the new namespace', async (t) => {
  const { host, bridge } = hostWithBridge(t);
  host.link.add({ name: 'vtaken', type: 'bridge' });
  const name = podName(t, 'taken');
  t.throws(() => createPod(host, { netns: name, hostEnd: { name: 'vtaken', master: bridge } }), { code: 'EEXIST' });
  t.notOk(netnsExists(name));
});

t.test('a namespace name that exists is refused before any request', async (t) => {
  const { host, netns, bridge } = hostWithBridge(t);
  const [existing] = testNetns(t, 1, 'exists');
  t.throws(() => createPod(host, { netns: existing!, hostEnd: { name: 'vx', master: bridge } }), NetnsExistsError);
  t.notOk(ipJson(netns, 'link', 'show').some((l: { ifname: string }) => l.ifname === 'vx'));
});

t.test('an existing namespace: the pod goes into it and deletePod removes only the veth', async (t) => {
  const { host, netns, bridge } = hostWithBridge(t);
  const [existing] = testNetns(t, 1, 'existing');
  const pod: Pod = createPod(host, { netns: { name: existing! }, hostEnd: { name: 've', master: bridge }, podEnd: { name: 'net0' }, addresses: ['10.88.0.7/16'] });
  t.equal(pod.createdNetns, false);
  t.same(pod.netns, { name: existing });
  t.same(ipJson(existing!, 'link', 'show').map((l: { ifname: string; operstate: string }) => l.ifname), ['lo', 'net0']);
  t.throws(() => deletePod(pod), /needs the host RouteConnection/);
  deletePod(pod, host);
  t.ok(netnsExists(existing!), 'the namespace stays');
  t.same(ipJson(existing!, 'link', 'show').map((l: { ifname: string }) => l.ifname), ['lo']);
  t.notOk(ipJson(netns, 'link', 'show').some((l: { ifname: string }) => l.ifname === 've'));
});

t.test('loopback: false leaves lo down; a route with no device', async (t) => {
  const { host, bridge } = hostWithBridge(t);
  const name = podName(t, 'nolo');
  createPod(host, { netns: name, hostEnd: { name: 'vn', master: bridge }, loopback: false, addresses: ['10.88.0.8/16'], routes: [{ dst: '10.98.0.0/16', type: 'blackhole' }] });
  t.notOk(ipJson(name, 'link', 'show', 'lo')[0].flags.includes('UP'), 'lo stays down');
  t.equal(ipJson(name, 'route', 'show', 'type', 'blackhole').length, 1, 'a route without a device');
});

t.test('the pod end takes the host end\'s MTU unless it gives its own', async (t) => {
  const { host, bridge } = hostWithBridge(t);
  const a = podName(t, 'mtu');
  const b = podName(t, 'mtu');
  createPod(host, { netns: a, hostEnd: { name: 'vmtu1', master: bridge, mtu: 1400 } });
  createPod(host, { netns: b, hostEnd: { name: 'vmtu2', master: bridge, mtu: 1400 }, podEnd: { mtu: 1300 } });
  t.equal(ipJson(a, 'link', 'show', 'eth0')[0].mtu, 1400);
  t.equal(ipJson(b, 'link', 'show', 'eth0')[0].mtu, 1300);
});

t.test('a sysctl that cannot be written is a PodSysctlError, and the pod is undone', async (t) => {
  const { host, netns, bridge } = hostWithBridge(t);
  const name = podName(t, 'sysctl');
  const error = (() => {
    try {
      createPod(host, { netns: name, hostEnd: { name: 'vsys', master: bridge }, podEnd: { name: 'net0' }, sysctls: { 'net.ipv4.conf.eth0.arp_notify': 1 } });
    } catch (e) {
      return e;
    }
  })();
  t.type(error, PodSysctlError);
  t.match(error, { code: 'ENOENT', setting: 'net.ipv4.conf.eth0.arp_notify', value: '1', message: /no such setting/ });
  t.notOk(netnsExists(name));
  for (let i = 0; i < 500 && ipJson(netns, 'link', 'show').some((l: { ifname: string }) => l.ifname === 'vsys'); i++) await new Promise((r) => setTimeout(r, 10));
  t.notOk(ipJson(netns, 'link', 'show').some((l: { ifname: string }) => l.ifname === 'vsys'), 'the host end is gone');
});

t.test('in an existing namespace a failure reverts what the veth does not take with it', async (t) => {
  const { host, netns, bridge } = hostWithBridge(t);
  const [existing] = testNetns(t, 1, 'revert');
  // Someone else's route: the pod's identical route is refused, and must not be deleted by the undo.
  const other = openRoute({ netns: existing! });
  t.teardown(() => other.close());
  other.link.set('lo', { up: true });
  other.route.add({ dst: '10.96.0.0/16', type: 'blackhole' });
  other.link.set('lo', { up: false });
  const before = ipJson(existing!, 'route', 'show', 'table', 'all');
  const error = await createPodAsync(host, {
    netns: { name: existing! },
    hostEnd: { name: 'vrev', master: bridge },
    addresses: ['10.88.0.5/16'],
    routes: [{ dst: '10.97.0.1', dev: 'lo' }, { dst: '10.98.0.0/16', type: 'blackhole' }, { dst: '10.96.0.0/16', type: 'blackhole' }, { dst: '10.99.0.0/16', gateway: '10.77.0.1' }],
  }).catch((e: unknown) => e);
  t.type(error, NetlinkBatchError);
  t.same((error as NetlinkBatchError).failures.map((f) => f.error.code), ['EEXIST', 'ENETUNREACH']);
  t.same(ipJson(existing!, 'route', 'show', 'table', 'all'), before, 'the routes are as they were (the other route stays)');
  t.notOk(ipJson(existing!, 'link', 'show', 'lo')[0].flags.includes('UP'), 'lo is down again, as it was');
  t.same(ipJson(existing!, 'link', 'show').map((l: { ifname: string }) => l.ifname), ['lo'], 'the pod end is gone');
  t.notOk(ipJson(netns, 'link', 'show').some((l: { ifname: string }) => l.ifname === 'vrev'), 'the host end is gone');
});
