// nlkit-bridge against the kernel, side by side with the reference bridge
// plugin (containernetworking-plugins, /usr/lib/cni/bridge) on the same
// configuration: each plugin in an outer namespace of its own that plays the
// host, pods in namespaces the test makes. The results must have the same
// shape and the same values but for MACs and names, the pods and host ends
// the same `ip -j -d` state, and traffic must flow.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import { deleteNetns } from '../../src/index.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import {
  cniEnv, execPlugin, hostDevice, hostEndName, nlkitArgv, ping, podRoutes, pods, podState, resultShape, run, sideBySide, staticConfig,
  withPrev, type PluginRun, type Which,
} from './helpers.js';

if (!requireRoot(t)) process.exit(0);

const BOTH: Which[] = ['reference', 'nlkit'];

/** Waits (without a deadline of its own: tap's timeout is the bound) until the link is operationally up, as linkwatch gets to it. */
async function operUp(netns: string, dev: string): Promise<void> {
  while ((ipJson(netns, 'link', 'show', 'dev', dev)[0] as { operstate: string }).operstate !== 'UP') await sleep(20);
}

function nftJson(netns: string): any {
  return JSON.parse(execFileSync('ip', ['netns', 'exec', netns, 'nft', '-j', 'list', 'table', 'inet', 'nlkit-cni'], { encoding: 'utf8' }));
}

function ok(t: Test, r: PluginRun, what: string): void {
  t.equal(r.exitCode, 0, `${what}: exit 0${r.exitCode ? ` (${r.stdout.trim()})` : ''}`);
}

/** ADD with both plugins on the same configuration, each into a pod of its own; returns both results. */
async function addBoth(t: Test, config: (which: Which) => Record<string, unknown>, args?: string): Promise<{ outer: Record<Which, string>; pod: Record<Which, { name: string; path: string }>; result: Record<Which, any> }> {
  const { outer } = sideBySide(t);
  const [p1, p2] = pods(t, 2);
  const pod = { reference: p1!, nlkit: p2! };
  const result = {} as Record<Which, any>;
  for (const which of BOTH) {
    const r = await run(which, outer[which], cniEnv('ADD', { containerId: `c-${which}`, netns: pod[which].path, ifname: 'eth0', ...(args ? { args } : {}) }), config(which));
    ok(t, r, `${which} ADD`);
    result[which] = r.json;
    await operUp(outer[which], hostEndName(r.json));
    await operUp(pod[which].name, 'eth0');
  }
  return { outer, pod, result };
}

function sameState(t: Test, s: Awaited<ReturnType<typeof addBoth>>, bridge = 'cni0'): void {
  t.same(resultShape(s.result.nlkit), resultShape(s.result.reference), 'the results have the same shape and values (MACs, host end name, sandbox aside)');
  t.same(podState(s.pod.nlkit.name), podState(s.pod.reference.name), 'pod devices and addresses: the same ip -j -d state');
  t.same(podRoutes(s.pod.nlkit.name), podRoutes(s.pod.reference.name), 'pod routes: the same');
  t.same(hostDevice(s.outer.nlkit, hostEndName(s.result.nlkit)), hostDevice(s.outer.reference, hostEndName(s.result.reference)), 'host end: the same ip -j -d state');
  t.same(hostDevice(s.outer.nlkit, bridge), hostDevice(s.outer.reference, bridge), 'bridge: the same ip -j -d state and addresses');
}

t.test('ADD: gateway and default route, result, pod, host end and bridge as the reference makes them', async (t) => {
  const s = await addBoth(t, () => staticConfig('10.77.0.5/24'));
  sameState(t, s);
  const r = s.result.nlkit;
  t.equal(r.interfaces[2].sandbox, s.pod.nlkit.path, 'the pod end names its sandbox');
  t.equal(ipJson(s.pod.nlkit.name, 'link', 'show', 'dev', 'eth0')[0].address, r.interfaces[2].mac, 'the pod end MAC is the one reported');
  t.equal(ipJson(s.outer.nlkit, 'link', 'show', 'dev', 'cni0')[0].address, r.interfaces[0].mac, 'the bridge MAC is the one reported');
  t.same(r.ips, [{ interface: 2, address: '10.77.0.5/24', gateway: '10.77.0.1' }]);
  t.same(r.routes, [{ dst: '0.0.0.0/0', gw: '10.77.0.1' }]);
  t.same(r.dns, { nameservers: ['10.0.0.53'], search: ['example.test'] }, 'dns comes from the network configuration, as with the reference');
  t.ok(ping(s.pod.nlkit.name, '10.77.0.1'), 'pod to gateway: ping answered');
});

t.test('ADD: dual stack, an IPv4 and an IPv6 address with a gateway and a default route each', async (t) => {
  const config = { ...staticConfig('10.77.8.5/24'), ipam: { type: 'static', addresses: [{ address: '10.77.8.5/24' }, { address: 'fd77:8::5/64' }] } };
  const s = await addBoth(t, () => config);
  t.same(resultShape(s.result.nlkit), resultShape(s.result.reference), 'the results have the same shape and values');
  t.same(s.result.nlkit.routes, [{ dst: '0.0.0.0/0', gw: '10.77.8.1' }, { dst: '::/0', gw: 'fd77:8::1' }]);
  t.same(podState(s.pod.nlkit.name), podState(s.pod.reference.name), 'pod devices and addresses (DAD off, as the reference sets it)');
  t.same(podRoutes(s.pod.nlkit.name), podRoutes(s.pod.reference.name), 'pod routes, both families');
  const global6 = (outer: string) => ipJson(outer, '-6', 'addr', 'show', 'dev', 'cni0', 'scope', 'global')[0].addr_info.map((a: any) => `${a.local}/${a.prefixlen}`);
  t.same(global6(s.outer.nlkit), global6(s.outer.reference), 'the bridge holds the IPv6 gateway too');
  t.ok(ping(s.pod.nlkit.name, '10.77.8.1'), 'pod to the IPv4 gateway');
});

t.test('ADD: cniVersion 0.4.0 results carry the address version, as the reference prints them', async (t) => {
  const config = staticConfig('10.77.1.5/24', {}, '0.4.0');
  const s = await addBoth(t, () => config);
  t.equal(s.result.nlkit.ips[0].version, '4');
  t.same(resultShape(s.result.nlkit), resultShape(s.result.reference));
  for (const which of BOTH) {
    const r = await run(which, s.outer[which], cniEnv('CHECK', { containerId: `c-${which}`, netns: s.pod[which].path, ifname: 'eth0' }), withPrev(config, s.result[which]));
    ok(t, r, `${which}: CHECK with a 0.4.0 prevResult`);
  }
});

t.test('ADD: mtu and hairpinMode, layer 2 only (no IPAM)', async (t) => {
  const s = await addBoth(t, () => ({ cniVersion: '1.0.0', name: 'l2', type: 'bridge', bridge: 'br-l2', mtu: 1400, hairpinMode: true }));
  sameState(t, s, 'br-l2');
  t.equal(ipJson(s.outer.nlkit, '-d', 'link', 'show', 'dev', hostEndName(s.result.nlkit))[0].linkinfo.info_slave_data.hairpin, true, 'hairpin on the host end');
  t.equal(ipJson(s.pod.nlkit.name, 'link', 'show', 'dev', 'eth0')[0].mtu, 1400);
  t.notOk(s.result.nlkit.ips, 'no addresses without IPAM');
});

t.test('ADD: the MAC from CNI_ARGS (with IgnoreUnknown for the keys meant for others)', async (t) => {
  const mac = '02:11:22:33:44:66';
  const s = await addBoth(t, () => staticConfig('10.77.10.5/24'), `IgnoreUnknown=1;K8S_POD_NAME=web;MAC=${mac}`);
  for (const which of BOTH) t.equal(ipJson(s.pod[which].name, 'link', 'show', 'dev', 'eth0')[0].address, mac, `${which}: the pod end has the MAC`);
  t.same(resultShape(s.result.nlkit), resultShape(s.result.reference));
});

t.test('ADD: promiscMode, forceAddress, the mac capability', async (t) => {
  const mac = '02:11:22:33:44:55';
  const s = await addBoth(t, () => staticConfig('10.77.2.5/24', { bridge: 'br-p', promiscMode: true, isDefaultGateway: false, runtimeConfig: { mac } }));
  sameState(t, s, 'br-p');
  t.equal(s.result.nlkit.interfaces[2].mac, mac);
  t.ok(ipJson(s.outer.nlkit, 'link', 'show', 'dev', 'br-p')[0].flags.includes('PROMISC'), 'the bridge is promiscuous');
  // A second network on the same bridge with another subnet: refused unless forceAddress, which replaces the gateway address.
  const [p3] = pods(t, 1);
  for (const which of BOTH) {
    const other = staticConfig('10.77.3.5/24', { bridge: 'br-p', promiscMode: true, isDefaultGateway: false });
    const refused = await run(which, s.outer[which], cniEnv('ADD', { containerId: 'other', netns: p3!.path, ifname: `e-${which}` }), other);
    t.equal(refused.exitCode, 1, `${which}: another subnet's gateway on the bridge is refused`);
    t.equal(refused.json.code, 999, `${which}: with code 999`);
    t.match(refused.json.msg, /already has an IP address different from 10\.77\.3\.1\/24/);
  }
  t.notOk(ipJson(p3!.name, 'link', 'show').some((l: any) => l.ifname === 'e-nlkit'), 'nlkit: the failed ADD removed the veth it had made');
  t.equal(ipJson(s.outer.nlkit, 'link', 'show', 'master', 'br-p').length, 1, 'nlkit: and its host end (only the first pod\'s port is left)');
  for (const which of BOTH) {
    const forced = await run(which, s.outer[which], cniEnv('ADD', { containerId: 'forced', netns: p3!.path, ifname: `f-${which}` }), staticConfig('10.77.3.6/24', { bridge: 'br-p', promiscMode: true, isDefaultGateway: false, forceAddress: true }));
    ok(t, forced, `${which}: forceAddress`);
    t.same(ipJson(s.outer[which], '-4', 'addr', 'show', 'dev', 'br-p')[0].addr_info.map((a: any) => `${a.local}/${a.prefixlen}`), ['10.77.3.1/24'], `${which}: the bridge's gateway address was replaced`);
  }
});

t.test('pod to pod traffic over the bridge, and DEL idempotent (twice, after the namespace is gone, never added)', async (t) => {
  const { outer } = sideBySide(t);
  const [a, b] = pods(t, 2);
  const results: any[] = [];
  for (const [i, p] of [a!, b!].entries()) {
    const r = await run('nlkit', outer.nlkit, cniEnv('ADD', { containerId: `pod${i}`, netns: p.path, ifname: 'eth0' }), staticConfig(`10.77.4.${10 + i}/24`));
    ok(t, r, `ADD pod${i}`);
    results.push(r.json);
  }
  t.ok(ping(a!.name, '10.77.4.11'), 'pod a reaches pod b');
  t.ok(ping(b!.name, '10.77.4.10'), 'pod b reaches pod a');

  for (const which of BOTH) {
    const config = staticConfig('10.77.4.10/24');
    const never = await run(which, outer[which], cniEnv('DEL', { containerId: 'never-added', netns: a!.path, ifname: 'eth9' }), config);
    t.equal(never.exitCode, 0, `${which}: DEL of a container never added succeeds`);
    const noNetns = await run(which, outer[which], cniEnv('DEL', { containerId: 'never-added', ifname: 'eth0' }), config);
    t.equal(noNetns.exitCode, 0, `${which}: DEL without CNI_NETNS succeeds`);
  }
  const del = cniEnv('DEL', { containerId: 'pod0', netns: a!.path, ifname: 'eth0' });
  ok(t, await run('nlkit', outer.nlkit, del, staticConfig('10.77.4.10/24')), 'DEL');
  t.same(ipJson(a!.name, 'link', 'show').map((l: any) => l.ifname), ['lo'], 'the pod end is gone');
  t.notOk(ipJson(outer.nlkit, 'link', 'show').some((l: any) => l.ifname === hostEndName(results[0])), 'the host end went with it');
  ok(t, await run('nlkit', outer.nlkit, del, staticConfig('10.77.4.10/24')), 'DEL again');
  deleteNetns(b!.name);
  const gone = cniEnv('DEL', { containerId: 'pod1', netns: b!.path, ifname: 'eth0' });
  for (const which of BOTH) t.equal((await run(which, outer[which], gone, staticConfig('10.77.4.11/24'))).exitCode, 0, `${which}: DEL after the namespace is gone succeeds`);
});

t.test('CHECK passes after ADD and detects drift: address removed, route changed, interface down, wrong MAC', async (t) => {
  const config = staticConfig('10.77.5.5/24');
  const s = await addBoth(t, () => config);
  const env = (which: Which) => cniEnv('CHECK', { containerId: `c-${which}`, netns: s.pod[which].path, ifname: 'eth0' });
  const check = (which: Which, prev: unknown = s.result[which]) => run(which, s.outer[which], env(which), withPrev(config, prev));
  for (const which of BOTH) ok(t, await check(which), `${which}: CHECK right after ADD`);
  for (const which of BOTH) {
    const r = await run(which, s.outer[which], env(which), config);
    t.same([r.exitCode, r.json?.code, r.json?.msg], [1, 999, 'Required prevResult missing'], `${which}: CHECK without prevResult`);
  }
  const drifts: [string, (pod: string) => void, (pod: string) => void][] = [
    ['route changed', (p) => execFileSync('ip', ['-n', p, 'route', 'replace', 'default', 'via', '10.77.5.9']), (p) => execFileSync('ip', ['-n', p, 'route', 'replace', 'default', 'via', '10.77.5.1'])],
    ['address removed', (p) => execFileSync('ip', ['-n', p, 'addr', 'del', '10.77.5.5/24', 'dev', 'eth0']), (p) => {
      execFileSync('ip', ['-n', p, 'addr', 'add', '10.77.5.5/24', 'brd', '+', 'dev', 'eth0']);
      execFileSync('ip', ['-n', p, 'route', 'replace', 'default', 'via', '10.77.5.1']);
    }],
    ['interface down', (p) => execFileSync('ip', ['-n', p, 'link', 'set', 'eth0', 'down']), (p) => {
      execFileSync('ip', ['-n', p, 'link', 'set', 'eth0', 'up']);
      execFileSync('ip', ['-n', p, 'route', 'replace', 'default', 'via', '10.77.5.1']);
    }],
  ];
  for (const [what, breakIt, repair] of drifts) {
    breakIt(s.pod.nlkit.name);
    const r = await check('nlkit');
    t.same([r.exitCode, r.json?.code], [1, 999], `nlkit: ${what} is detected (${r.json?.msg})`);
    repair(s.pod.nlkit.name);
    ok(t, await check('nlkit'), `nlkit: CHECK passes again once ${what} is repaired`);
  }
  // The reference detects the same drifts (its default-route check ignores the gateway, so it misses a changed default route).
  execFileSync('ip', ['-n', s.pod.reference.name, 'addr', 'del', '10.77.5.5/24', 'dev', 'eth0']);
  const ref = await check('reference');
  t.same([ref.exitCode, ref.json?.code], [1, 999], 'reference: address removed is detected with the same code');
  for (const which of BOTH) {
    const wrong = JSON.parse(JSON.stringify(s.result[which]));
    wrong.interfaces[2].mac = '02:00:00:00:00:99';
    const r = await check(which, wrong);
    t.same([r.exitCode, r.json?.code], [1, 999], `${which}: a wrong MAC in prevResult is detected`);
  }
});

t.test('the executable: concurrent ADDs onto one bridge, CHECK and DEL', async (t) => {
  const { outer } = sideBySide(t);
  const list = pods(t, 3);
  const adds = await Promise.all(list.map((p, i) => execPlugin(outer.nlkit, nlkitArgv(), cniEnv('ADD', { containerId: `par${i}`, netns: p.path, ifname: 'eth0' }), staticConfig(`10.77.6.${20 + i}/24`))));
  adds.forEach((r, i) => ok(t, r, `concurrent ADD ${i}`));
  const bridgeMac = ipJson(outer.nlkit, 'link', 'show', 'dev', 'cni0')[0].address;
  t.same(adds.map((r) => r.json?.interfaces?.[0]?.mac), list.map(() => bridgeMac), 'every result reports the bridge MAC as it is now');
  t.equal(ipJson(outer.nlkit, 'link', 'show', 'master', 'cni0').length, 3, 'three ports on the one bridge');
  t.ok(ping(list[0]!.name, '10.77.6.22'), 'pod 0 reaches pod 2');
  const config = staticConfig('10.77.6.20/24');
  const check = await execPlugin(outer.nlkit, nlkitArgv(), cniEnv('CHECK', { containerId: 'par0', netns: list[0]!.path, ifname: 'eth0' }), withPrev(config, adds[0]!.json));
  ok(t, check, 'CHECK through the executable');
  const del = await execPlugin(outer.nlkit, nlkitArgv(), cniEnv('DEL', { containerId: 'par0', netns: list[0]!.path, ifname: 'eth0' }), config);
  ok(t, del, 'DEL through the executable');
  t.equal(del.stdout, '', 'DEL prints nothing');
});

t.test('ipMasq: nftables rules of its own per attachment, traffic to an outside namespace masqueraded, DEL removes exactly its own', async (t) => {
  const { outer } = sideBySide(t);
  const [a, b] = pods(t, 2);
  // An "outside" network behind the host namespace that has no route back to the pods: only masqueraded traffic gets answers.
  const [outside] = testNetns(t, 1, 'cniout');
  ip(outer.nlkit, 'link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', outside!);
  ip(outer.nlkit, 'addr', 'add', '172.31.77.1/24', 'dev', 'up0');
  ip(outer.nlkit, 'link', 'set', 'up0', 'up');
  ip(outside!, 'addr', 'add', '172.31.77.2/24', 'dev', 'eth0');
  ip(outside!, 'link', 'set', 'eth0', 'up');
  const config = (address: string) => staticConfig(address, { ipMasq: true });
  for (const [i, p] of [a!, b!].entries()) ok(t, await run('nlkit', outer.nlkit, cniEnv('ADD', { containerId: `masq${i}`, netns: p.path, ifname: 'eth0' }), config(`10.77.9.${5 + i}/24`)), `ADD masq${i}`);
  const rules = () => nftJson(outer.nlkit).nftables.filter((o: any) => o.rule).map((o: any) => o.rule);
  t.same(rules().map((r: any) => r.comment), ['nlkit:cni-masq:nlkit-test/masq0/eth0', 'nlkit:cni-masq:nlkit-test/masq1/eth0'], 'one tagged rule per attachment in inet nlkit-cni');
  t.same(rules()[0].expr.map((e: any) => Object.keys(e)[0]), ['match', 'match', 'match', 'masquerade'], 'saddr, daddr != subnet, daddr != multicast, masquerade');
  t.equal(rules()[0].family, 'inet');
  t.equal(rules()[0].table, 'nlkit-cni');
  await operUp(outer.nlkit, 'up0');
  t.ok(ping(a!.name, '172.31.77.2'), 'pod to the outside namespace through masquerade');
  ok(t, await run('nlkit', outer.nlkit, cniEnv('DEL', { containerId: 'masq0', netns: a!.path, ifname: 'eth0' }), config('10.77.9.5/24')), 'DEL masq0');
  t.same(rules().map((r: any) => r.comment), ['nlkit:cni-masq:nlkit-test/masq1/eth0'], 'DEL removed exactly its own rule');
  deleteNetns(b!.name);
  ok(t, await run('nlkit', outer.nlkit, cniEnv('DEL', { containerId: 'masq1', netns: b!.path, ifname: 'eth0' }), config('10.77.9.6/24')), 'DEL masq1 after its namespace is gone');
  t.same(rules(), [], 'its rule went too');
  const added = await run('nlkit', outer.nlkit, cniEnv('ADD', { containerId: 'probe', netns: a!.path, ifname: 'eth0' }), config('10.77.9.7/24'));
  ok(t, added, 'ADD another attachment');
  const checkEnv = cniEnv('CHECK', { containerId: 'probe', netns: a!.path, ifname: 'eth0' });
  ok(t, await run('nlkit', outer.nlkit, checkEnv, withPrev(config('10.77.9.7/24'), added.json)), 'CHECK passes with its masquerade rule');
  execFileSync('ip', ['netns', 'exec', outer.nlkit, 'nft', 'flush', 'chain', 'inet', 'nlkit-cni', 'postrouting']);
  const drifted = await run('nlkit', outer.nlkit, checkEnv, withPrev(config('10.77.9.7/24'), added.json));
  t.same([drifted.exitCode, drifted.json?.code], [1, 999], `CHECK detects the missing masquerade rule (${drifted.json?.msg})`);
});

t.test('macspoofchk and vlan are refused with code 2 before anything is made', async (t) => {
  const { outer } = sideBySide(t);
  const [p] = pods(t, 1);
  for (const extra of [{ macspoofchk: true }, { vlan: 10 }]) {
    const r = await run('nlkit', outer.nlkit, cniEnv('ADD', { containerId: 'unsupported', netns: p!.path, ifname: 'eth0' }), staticConfig('10.77.7.5/24', extra));
    t.same([r.exitCode, r.json.code], [1, 2], `${Object.keys(extra)[0]}: code 2`);
    t.match(r.json.msg, Object.keys(extra)[0]!, 'the message names the key');
  }
  t.same(ipJson(outer.nlkit, 'link', 'show').map((l: any) => l.ifname), ['lo'], 'no bridge was made');
  t.same(ipJson(p!.name, 'link', 'show').map((l: any) => l.ifname), ['lo'], 'nothing in the pod');
});
