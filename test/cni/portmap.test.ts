// nlkit-portmap against the kernel, inside an outer namespace that plays the
// host: the rules it makes (read back with `nft`), real TCP connections to a
// host port from the host itself, from an "outside" namespace, from the pod
// (hairpin) and to 127.0.0.1 (localhost), in a chain with nlkit-bridge and
// nlkit-bandwidth and mixed with the reference plugins; CHECK, DEL, GC and the
// reference's answers to bad configurations.
import { execFileSync } from 'node:child_process';
import t, { type Test } from 'tap';
import { ip, requireRoot, testNetns } from '../helpers/netns.js';
import { ECHO_SERVER, nodeIn, type NodeProcess } from '../nftables/topology.js';
import {
  chained, cniEnv, execPlugin, nftRuleset, nlkitPluginArgv, pods, REFERENCE_DIR, run, runNlkit, tcpEcho, type PluginRun,
} from './helpers.js';

if (!requireRoot(t)) process.exit(0);

const LIST = { cniVersion: '1.0.0', name: 'pm-net' };
const TABLE = 'nlkit-cni-hostport';
const HOST = '192.168.77.1';
const OUTSIDE = '192.168.77.2';

function ok(t: Test, r: PluginRun, what: string): void {
  t.equal(r.exitCode, 0, `${what}: exit 0${r.exitCode ? ` (${r.stdout.trim()})` : ''}`);
}

/** The outer namespace (the host, with an uplink to an outside namespace) and one pod. */
function world(t: Test): { outer: string; outside: string; pod: { name: string; path: string } } {
  const [outer, outside] = testNetns(t, 2, 'pmhost') as [string, string];
  const [pod] = pods(t, 1);
  ip(outer, 'link', 'set', 'lo', 'up');
  // A runtime's loopback plugin does this.
  ip(pod!.name, 'link', 'set', 'lo', 'up');
  ip(outer, 'link', 'add', 'uplink', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', outside);
  ip(outer, 'addr', 'add', `${HOST}/24`, 'dev', 'uplink');
  ip(outer, 'link', 'set', 'uplink', 'up');
  ip(outside, 'addr', 'add', `${OUTSIDE}/24`, 'dev', 'eth0');
  ip(outside, 'link', 'set', 'eth0', 'up');
  return { outer, outside, pod: pod! };
}

/**
 * hairpinMode: with br_netfilter loaded (as here: bridge-nf-call-iptables is
 * 1), a hairpin connection is DNATed while it is bridged and leaves through
 * the port it came in by, which a bridge allows only in hairpin mode.
 */
function bridgeConfig(address: string, type = 'nlkit-bridge'): Record<string, unknown> {
  return { type, bridge: 'cni0', isGateway: true, isDefaultGateway: true, hairpinMode: true, ipam: { type: 'static', addresses: [{ address }] } };
}

/** The echo server in the pod, listening on port 80. */
async function server(t: Test, pod: string): Promise<NodeProcess> {
  const s = nodeIn(t, pod, ECHO_SERVER, ['80']);
  // Node starts slowly on a loaded machine.
  await s.line(/^listening/, 30_000);
  return s;
}

/** Connects through the host port and returns the echo and the peer address the server saw. */
async function through(s: NodeProcess, from: string, host: string, port: number): Promise<{ echo?: string; peer?: string }> {
  const before = s.lines.length;
  const echo = tcpEcho(from, host, port);
  if (echo === undefined) return {};
  const deadline = Date.now() + 10_000;
  while (!s.lines.slice(before).some((l) => l.startsWith('peer ')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const peer = s.lines.slice(before).find((l) => l.startsWith('peer '))?.slice(5).replace(/^::ffff:/, '');
  return { echo, ...(peer === undefined ? {} : { peer }) };
}

function hostportRules(outer: string): any[] {
  return nftRuleset(outer).filter((e) => e.rule?.table === TABLE).map((e) => e.rule);
}

function ruleText(outer: string): string[] {
  const text = execFileSync('ip', ['netns', 'exec', outer, 'nft', 'list', 'table', 'inet', TABLE], { encoding: 'utf8' });
  return text.split('\n').map((l) => l.trim()).filter((l) => l.includes('comment'));
}

t.test('nlkit-bridge → nlkit-portmap → nlkit-bandwidth: host, outside, hairpin and localhost reach the pod; CHECK; DEL leaves nothing', async (t) => {
  const { outer, outside, pod } = world(t);
  const env = (command: string) => cniEnv(command, { containerId: 'web1', netns: pod.path, ifname: 'eth0' });
  const portMappings = [
    { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
    { hostPort: 8081, containerPort: 80, protocol: 'tcp', hostIP: HOST },
    { hostPort: 5353, containerPort: 53, protocol: 'udp' },
  ];
  const portmap = { type: 'nlkit-portmap', capabilities: { portMappings: true }, runtimeConfig: { portMappings } };
  const bandwidth = { type: 'nlkit-bandwidth', capabilities: { bandwidth: true }, runtimeConfig: { bandwidth: { ingressRate: 100_000_000, ingressBurst: 1_000_000, egressRate: 100_000_000, egressBurst: 1_000_000 } } };
  const r1 = await runNlkit('nlkit-bridge', outer, env('ADD'), chained(LIST, bridgeConfig('10.77.30.5/24')));
  ok(t, r1, 'bridge ADD');
  const r2 = await runNlkit('nlkit-portmap', outer, env('ADD'), chained(LIST, portmap, r1.json));
  ok(t, r2, 'portmap ADD');
  t.same(r2.json.interfaces, r1.json.interfaces, 'portmap passes the result on');
  t.same(r2.json.ips.map((i: any) => i.address), ['10.77.30.5/24']);
  const r3 = await runNlkit('nlkit-bandwidth', outer, env('ADD'), chained(LIST, bandwidth, r2.json));
  ok(t, r3, 'bandwidth ADD');
  t.equal(r3.json.interfaces.length, 4, 'bandwidth adds its ifb to the result');

  const tag = 'comment "nlkit:cni-portmap:pm-net/web1/eth0"';
  t.same(ruleText(outer), [
    `meta nfproto ipv4 fib daddr type local tcp dport 8080 dnat ip to 10.77.30.5:80 ${tag}`,
    `ip daddr ${HOST} tcp dport 8081 dnat ip to 10.77.30.5:80 ${tag}`,
    `meta nfproto ipv4 fib daddr type local udp dport 5353 dnat ip to 10.77.30.5:53 ${tag}`,
    `meta nfproto ipv4 fib daddr type local tcp dport 8080 dnat ip to 10.77.30.5:80 ${tag}`,
    `ip daddr ${HOST} tcp dport 8081 dnat ip to 10.77.30.5:80 ${tag}`,
    `meta nfproto ipv4 fib daddr type local udp dport 5353 dnat ip to 10.77.30.5:53 ${tag}`,
    `ip saddr 10.77.30.0/24 ip daddr 10.77.30.5 ct status dnat tcp dport 80 masquerade ${tag}`,
    `ip saddr 127.0.0.1 ip daddr 10.77.30.5 ct status dnat tcp dport 80 masquerade ${tag}`,
    `ip saddr 10.77.30.0/24 ip daddr 10.77.30.5 ct status dnat udp dport 53 masquerade ${tag}`,
    `ip saddr 127.0.0.1 ip daddr 10.77.30.5 ct status dnat udp dport 53 masquerade ${tag}`,
  ], 'nft lists the DNAT rules (prerouting, then output) and the masquerade rules, each tagged with the attachment');
  t.equal(execFileSync('ip', ['netns', 'exec', outer, 'sysctl', '-n', 'net.ipv4.conf.cni0.route_localnet'], { encoding: 'utf8' }).trim(), '1', 'route_localnet on the bridge');

  const s = await server(t, pod.name);
  t.same(await through(s, outer, HOST, 8080), { echo: 'hello', peer: HOST }, 'from the host to its uplink address: the pod answers, no SNAT');
  t.same(await through(s, outside, HOST, 8080), { echo: 'hello', peer: OUTSIDE }, 'from an outside namespace: the pod sees the real client');
  t.same(await through(s, outside, HOST, 8081), { echo: 'hello', peer: OUTSIDE }, 'hostIP mapping from outside');
  t.same(await through(s, pod.name, '10.77.30.1', 8080), { echo: 'hello', peer: '10.77.30.1' }, 'hairpin: the pod reaches itself through the host port, masqueraded');
  t.same(await through(s, outer, '127.0.0.1', 8080), { echo: 'hello', peer: '10.77.30.1' }, 'localhost: 127.0.0.1:8080 on the host reaches the pod, masqueraded');
  t.same(await through(s, outer, '10.77.30.1', 8081), {}, 'the hostIP mapping answers only on its address');

  for (const [name, plugin] of [['nlkit-portmap', portmap], ['nlkit-bandwidth', bandwidth]] as const) {
    ok(t, await runNlkit(name, outer, env('CHECK'), chained(LIST, plugin, r3.json)), `${name} CHECK`);
  }
  const dnat = nftRuleset(outer).find((e) => e.rule?.table === TABLE && e.rule.chain === 'output').rule;
  execFileSync('ip', ['netns', 'exec', outer, 'nft', 'delete', 'rule', 'inet', TABLE, 'output', 'handle', String(dnat.handle)]);
  const drift = await runNlkit('nlkit-portmap', outer, env('CHECK'), chained(LIST, portmap, r3.json));
  t.same([drift.exitCode, drift.json.code, drift.json.msg], [1, 999, 'missing hostport rules in "output" chain'], 'CHECK detects a removed rule');

  ok(t, await runNlkit('nlkit-bandwidth', outer, env('DEL'), chained(LIST, bandwidth, r3.json)), 'bandwidth DEL');
  ok(t, await runNlkit('nlkit-portmap', outer, env('DEL'), chained(LIST, portmap, r3.json)), 'portmap DEL');
  ok(t, await runNlkit('nlkit-bridge', outer, env('DEL'), chained(LIST, bridgeConfig('10.77.30.5/24'), r3.json)), 'bridge DEL');
  t.same(nftRuleset(outer).filter((e) => e.table || e.chain || e.rule).filter((e) => (e.table ?? e.chain ?? e.rule).table === TABLE || e.table?.name === TABLE), [], 'the host port table is gone with its last rule');
  t.same(ipJsonTypes(outer, 'ifb'), [], 'no ifb left');
  ok(t, await runNlkit('nlkit-portmap', outer, env('DEL'), chained(LIST, portmap, r3.json)), 'a second DEL succeeds');
});

function ipJsonTypes(netns: string, type: string): string[] {
  const out = ip(netns, '-j', 'link', 'show', 'type', type).trim();
  return (out === '' ? [] : JSON.parse(out)).map((l: any) => l.ifname);
}

t.test('reference bridge → nlkit-portmap (its executable): the outside reaches the pod', async (t) => {
  const { outer, outside, pod } = world(t);
  const env = (command: string) => cniEnv(command, { containerId: 'web2', netns: pod.path, ifname: 'eth0' });
  const r1 = await run('reference', outer, env('ADD'), chained(LIST, bridgeConfig('10.77.31.5/24', 'bridge')));
  ok(t, r1, 'reference bridge ADD');
  const portmap = { type: 'nlkit-portmap', runtimeConfig: { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] } };
  const r2 = await execPlugin(outer, nlkitPluginArgv('nlkit-portmap'), env('ADD'), chained(LIST, portmap, r1.json));
  ok(t, r2, 'nlkit-portmap ADD through the executable');
  t.same(r2.json.interfaces, r1.json.interfaces, 'the reference\'s result passed on');
  const s = await server(t, pod.name);
  t.same(await through(s, outside, HOST, 8080), { echo: 'hello', peer: OUTSIDE }, 'outside → host port → pod behind the reference bridge');
  t.same(await through(s, outer, '127.0.0.1', 8080), { echo: 'hello', peer: '10.77.31.1' }, 'localhost works too');
  ok(t, await runNlkit('nlkit-portmap', outer, env('DEL'), chained(LIST, portmap, r2.json)), 'nlkit-portmap DEL');
  t.same(hostportRules(outer), [], 'no rule left');
  ok(t, await run('reference', outer, env('DEL'), chained(LIST, bridgeConfig('10.77.31.5/24', 'bridge'), r2.json)), 'reference bridge DEL');
});

t.test('nlkit-bridge → reference portmap (iptables, nf_tables backend): the outside reaches the pod', async (t) => {
  const { outer, outside, pod } = world(t);
  const env = (command: string) => cniEnv(command, { containerId: 'web3', netns: pod.path, ifname: 'eth0' });
  const r1 = await runNlkit('nlkit-bridge', outer, env('ADD'), chained(LIST, bridgeConfig('10.77.32.5/24')));
  ok(t, r1, 'nlkit-bridge ADD');
  const portmap = { type: 'portmap', runtimeConfig: { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] } };
  const r2 = await execPlugin(outer, [`${REFERENCE_DIR}/portmap`], env('ADD'), chained(LIST, portmap, r1.json));
  ok(t, r2, 'reference portmap ADD');
  const s = await server(t, pod.name);
  t.same(await through(s, outside, HOST, 8080), { echo: 'hello', peer: OUTSIDE }, 'outside → host port → pod behind nlkit-bridge');
  ok(t, await execPlugin(outer, [`${REFERENCE_DIR}/portmap`], env('DEL'), chained(LIST, portmap, r2.json)), 'reference portmap DEL');
  t.same(await through(s, outside, HOST, 8080), {}, 'the mapping is gone');
  ok(t, await runNlkit('nlkit-bridge', outer, env('DEL'), chained(LIST, bridgeConfig('10.77.32.5/24'), r2.json)), 'nlkit-bridge DEL');
});

/** A result as a bridge would print it, for a pod that need not exist (portmap reads only addresses). */
function fakeResult(address: string, netns = '/run/netns/none'): Record<string, unknown> {
  return { cniVersion: '1.0.0', interfaces: [{ name: 'br' }, { name: 'vethx' }, { name: 'eth0', sandbox: netns }], ips: [{ interface: 2, address }, { interface: 1, address: '10.99.99.99/24' }] };
}

t.test('GC removes the rules of attachments no longer valid; DEL of the last one removes the table; an unknown DEL succeeds', async (t) => {
  const [outer] = testNetns(t, 1, 'pmgc') as [string];
  const env = (command: string, containerId: string) => cniEnv(command, { containerId, netns: '/run/netns/none', ifname: 'eth0' });
  const portmap = { type: 'nlkit-portmap', runtimeConfig: { portMappings: [{ hostPort: 8080, containerPort: 80 }] } };
  ok(t, await runNlkit('nlkit-portmap', outer, env('ADD', 'a'), chained(LIST, portmap, fakeResult('10.77.40.2/24'))), 'ADD a');
  ok(t, await runNlkit('nlkit-portmap', outer, env('ADD', 'b'), chained(LIST, portmap, fakeResult('10.77.40.3/24'))), 'ADD b');
  ok(t, await runNlkit('nlkit-portmap', outer, env('ADD', 'c'), chained({ ...LIST, name: 'other-net' }, portmap, fakeResult('10.77.41.3/24'))), 'ADD c on another network');
  const owners = () => [...new Set(hostportRules(outer).map((r) => r.comment))].sort();
  t.same(owners(), ['nlkit:cni-portmap:other-net/c/eth0', 'nlkit:cni-portmap:pm-net/a/eth0', 'nlkit:cni-portmap:pm-net/b/eth0']);
  t.ok(hostportRules(outer).some((r) => JSON.stringify(r.expr).includes('10.77.40.2')), 'the DNAT goes to the sandbox interface\'s address, not the host interface\'s');
  t.notOk(hostportRules(outer).some((r) => JSON.stringify(r.expr).includes('10.99.99.99')));
  const gc = { cniVersion: '1.1.0', name: LIST.name, type: 'nlkit-portmap', 'cni.dev/valid-attachments': [{ containerID: 'a', ifname: 'eth0' }] };
  ok(t, await runNlkit('nlkit-portmap', outer, cniEnv('GC'), gc), 'GC');
  t.same(owners(), ['nlkit:cni-portmap:other-net/c/eth0', 'nlkit:cni-portmap:pm-net/a/eth0'], 'b went; a (valid) and the other network\'s c stayed');
  const noList = await runNlkit('nlkit-portmap', outer, cniEnv('GC'), { cniVersion: '1.1.0', name: LIST.name, type: 'nlkit-portmap' });
  t.same([noList.exitCode, noList.json.code], [1, 7], 'GC without the valid attachments is refused');
  ok(t, await runNlkit('nlkit-portmap', outer, env('DEL', 'never-added'), chained(LIST, portmap)), 'DEL of a container never added');
  ok(t, await runNlkit('nlkit-portmap', outer, env('DEL', 'a'), chained(LIST, portmap)), 'DEL a without prevResult');
  ok(t, await runNlkit('nlkit-portmap', outer, env('DEL', 'c'), chained({ ...LIST, name: 'other-net' }, portmap)), 'DEL c');
  t.notOk(nftRuleset(outer).some((e) => e.table?.name === TABLE), 'the table went with its last rule');
  ok(t, await runNlkit('nlkit-portmap', outer, cniEnv('STATUS'), { cniVersion: '1.1.0', name: LIST.name, type: 'nlkit-portmap' }), 'STATUS');
  const version = await runNlkit('nlkit-portmap', outer, { CNI_COMMAND: 'VERSION' }, '{"cniVersion":"0.4.0"}');
  t.same(version.json, { cniVersion: '0.4.0', supportedVersions: ['0.4.0', '1.0.0', '1.1.0'] });
});

t.test('bad configurations: the reference\'s codes and messages', async (t) => {
  const [outer] = testNetns(t, 1, 'pmbad') as [string];
  const env = cniEnv('ADD', { containerId: 'bad', netns: '/run/netns/none', ifname: 'eth0' });
  const base = { cniVersion: '1.0.0', name: LIST.name, type: 'portmap', prevResult: fakeResult('10.77.50.2/24') };
  const cases: { what: string; config: Record<string, unknown>; msg: string }[] = [
    { what: 'a host port of 0', config: { ...base, runtimeConfig: { portMappings: [{ hostPort: 0, containerPort: 80, protocol: 'tcp' }] } }, msg: 'failed to parse config: Invalid host port number: 0' },
    { what: 'a negative container port', config: { ...base, runtimeConfig: { portMappings: [{ hostPort: 80, containerPort: -1, protocol: 'tcp' }] } }, msg: 'failed to parse config: Invalid container port number: -1' },
    { what: 'markMasqBit out of range', config: { ...base, markMasqBit: 32 }, msg: 'failed to parse config: MasqMarkBit must be between 0 and 31' },
    { what: 'markMasqBit with externalSetMarkChain', config: { ...base, markMasqBit: 5, externalSetMarkChain: 'KUBE-MARK-MASQ' }, msg: 'failed to parse config: Cannot specify externalSetMarkChain and markMasqBit' },
    { what: 'no prevResult', config: { ...base, prevResult: undefined, runtimeConfig: { portMappings: [{ hostPort: 80, containerPort: 80, protocol: 'tcp' }] } }, msg: 'must be called as chained plugin' },
  ];
  for (const c of cases) {
    const reference = await execPlugin(outer, [`${REFERENCE_DIR}/portmap`], env, c.config);
    const nlkit = await runNlkit('nlkit-portmap', outer, env, c.config);
    t.same([reference.exitCode, reference.json?.code, reference.json?.msg], [1, 999, c.msg], `reference: ${c.what}`);
    t.same([nlkit.exitCode, nlkit.json?.code, nlkit.json?.msg], [1, 999, c.msg], `nlkit: ${c.what}`);
  }
  const conditions = await runNlkit('nlkit-portmap', outer, env, { ...base, conditionsV4: ['-s', '10.0.0.0/8'], runtimeConfig: { portMappings: [{ hostPort: 80, containerPort: 80 }] } });
  t.same([conditions.exitCode, conditions.json.code], [1, 999], 'iptables-style conditions are refused, not ignored');
  t.notOk(nftRuleset(outer).some((e) => e.table?.name === TABLE), 'nothing was made for any of them');
  const withConditions = await runNlkit('nlkit-portmap', outer, env, { ...base, conditionsV4: ['ip saddr != 10.0.0.0/8'], runtimeConfig: { portMappings: [{ hostPort: 80, containerPort: 8080 }] } });
  ok(t, withConditions, 'nft conditions');
  t.match(ruleText(outer)[0], /^ip saddr != 10\.0\.0\.0\/8 meta nfproto ipv4 fib daddr type local tcp dport 80 dnat ip to 10\.77\.50\.2:8080 /, 'the conditions lead the DNAT rule');
  ok(t, await runNlkit('nlkit-portmap', outer, cniEnv('DEL', { containerId: 'bad', netns: '/run/netns/none', ifname: 'eth0' }), base), 'DEL');
});

t.test('dual stack: IPv6 rules beside IPv4 ones, no localhost rule for IPv6, a hostIP only in its family; masqAll; snat off', async (t) => {
  const [outer] = testNetns(t, 1, 'pmv6') as [string];
  const env = (command: string) => cniEnv(command, { containerId: 'v6', netns: '/run/netns/none', ifname: 'eth0' });
  const result = { ...fakeResult('10.77.70.5/24'), ips: [{ interface: 2, address: '10.77.70.5/24' }, { interface: 2, address: 'fd77:70::5/64' }] };
  const mappings = [{ hostPort: 8080, containerPort: 80, protocol: 'TCP' }, { hostPort: 9090, containerPort: 90, protocol: 'sctp', hostIP: 'fd77:70::1' }];
  ok(t, await runNlkit('nlkit-portmap', outer, env('ADD'), chained(LIST, { type: 'nlkit-portmap', runtimeConfig: { portMappings: mappings } }, result)), 'ADD');
  const tag = 'comment "nlkit:cni-portmap:pm-net/v6/eth0"';
  const dnat = [
    `meta nfproto ipv4 fib daddr type local tcp dport 8080 dnat ip to 10.77.70.5:80 ${tag}`,
    `meta nfproto ipv6 fib daddr type local tcp dport 8080 dnat ip6 to [fd77:70::5]:80 ${tag}`,
    `ip6 daddr fd77:70::1 sctp dport 9090 dnat ip6 to [fd77:70::5]:90 ${tag}`,
  ];
  t.same(ruleText(outer), [...dnat, ...dnat,
    `ip saddr 10.77.70.0/24 ip daddr 10.77.70.5 ct status dnat tcp dport 80 masquerade ${tag}`,
    `ip saddr 127.0.0.1 ip daddr 10.77.70.5 ct status dnat tcp dport 80 masquerade ${tag}`,
    `ip6 saddr fd77:70::/64 ip6 daddr fd77:70::5 ct status dnat tcp dport 80 masquerade ${tag}`,
    `ip6 saddr fd77:70::/64 ip6 daddr fd77:70::5 ct status dnat sctp dport 90 masquerade ${tag}`,
  ], 'nft lists both families\' rules');
  ok(t, await runNlkit('nlkit-portmap', outer, env('CHECK'), chained(LIST, { type: 'nlkit-portmap', runtimeConfig: { portMappings: mappings } }, result)), 'CHECK');
  ok(t, await runNlkit('nlkit-portmap', outer, env('ADD'), chained(LIST, { type: 'nlkit-portmap', masqAll: true, runtimeConfig: { portMappings: mappings.slice(0, 1) } }, result)), 'ADD again with masqAll');
  t.same(ruleText(outer).filter((l) => l.includes('masquerade')), [
    `ip daddr 10.77.70.5 ct status dnat tcp dport 80 masquerade ${tag}`,
    `ip6 daddr fd77:70::5 ct status dnat tcp dport 80 masquerade ${tag}`,
  ], 'masqAll: every DNATed connection to the pod\'s port, whatever its source; the earlier rules replaced');
  const stale = await runNlkit('nlkit-portmap', outer, env('CHECK'), chained(LIST, { type: 'nlkit-portmap', runtimeConfig: { portMappings: mappings.slice(0, 1) } }, result));
  t.same([stale.exitCode, stale.json.code], [1, 999], 'CHECK with snat rules that differ from the kernel\'s fails');
  ok(t, await runNlkit('nlkit-portmap', outer, env('ADD'), chained(LIST, { type: 'nlkit-portmap', snat: false, runtimeConfig: { portMappings: mappings.slice(0, 1) } }, result)), 'ADD again with snat off');
  t.notOk(ruleText(outer).some((l) => l.includes('masquerade')), 'snat off: no masquerade rule');
  ok(t, await runNlkit('nlkit-portmap', outer, env('DEL'), chained(LIST, { type: 'nlkit-portmap' }, result)), 'DEL');
  t.notOk(nftRuleset(outer).some((e) => e.table?.name === TABLE), 'nothing left');
});

t.test('concurrent ADDs and DELs (executables): a DEL that empties the table never takes another ADD\'s rules with it', async (t) => {
  const [outer] = testNetns(t, 1, 'pmrace') as [string];
  const env = (command: string, containerId: string) => cniEnv(command, { containerId, netns: '/run/netns/none', ifname: 'eth0' });
  const portmap = { type: 'nlkit-portmap', runtimeConfig: { portMappings: [{ hostPort: 8080, containerPort: 80 }] } };
  const config = (i: number) => chained(LIST, portmap, fakeResult(`10.77.80.${i}/24`));
  for (const [i, id] of ['a', 'b'].entries()) ok(t, await runNlkit('nlkit-portmap', outer, env('ADD', id), config(i + 2)), `ADD ${id}`);
  const runs = await Promise.all([
    execPlugin(outer, nlkitPluginArgv('nlkit-portmap'), env('DEL', 'a'), config(2)),
    execPlugin(outer, nlkitPluginArgv('nlkit-portmap'), env('ADD', 'c'), config(4)),
    execPlugin(outer, nlkitPluginArgv('nlkit-portmap'), env('DEL', 'b'), config(3)),
    execPlugin(outer, nlkitPluginArgv('nlkit-portmap'), env('ADD', 'd'), config(5)),
  ]);
  runs.forEach((r, i) => ok(t, r, `call ${i + 1}`));
  const owners = hostportRules(outer).map((r) => r.comment.split('/')[1]);
  t.same([...new Set(owners)].sort(), ['c', 'd'], 'exactly the added containers\' rules remain');
  t.equal(owners.length, 2 * 4, 'each with its two DNAT and two masquerade rules');
  for (const id of ['c', 'd']) ok(t, await runNlkit('nlkit-portmap', outer, env('DEL', id), config(0)), `DEL ${id}`);
  t.notOk(nftRuleset(outer).some((e) => e.table?.name === TABLE), 'the last DEL removed the table');
});
