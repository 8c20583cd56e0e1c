// nlkit-bandwidth against the kernel, side by side with the reference
// bandwidth plugin, each chained after nlkit-bridge in an outer namespace of
// its own that plays the host: the same tc state and ifb name, each CHECK
// accepting the other's state, DEL of either removing the other's ifb, CHECK
// detecting drift, GC, and real transfers that take at least the time the
// limits allow, in both directions.
import { execFileSync } from 'node:child_process';
import t, { type Test } from 'tap';
import { ip, requireRoot } from '../helpers/netns.js';
import { nodeIn } from '../nftables/topology.js';
import {
  chained, cniEnv, execPlugin, hostEndName, nlkitPluginArgv, pods, REFERENCE_DIR, runNlkit, sideBySide, tcJsonIn, type PluginRun, type Which,
} from './helpers.js';
import { TRANSFER_PEER as PEER } from '../helpers/transfer-peer.js';

if (!requireRoot(t)) process.exit(0);

const LIST = { cniVersion: '1.0.0', name: 'bw-net' };
const CONTAINER = 'bw-pod-1';
const REFERENCE_BANDWIDTH = `${REFERENCE_DIR}/bandwidth`;
/** 2 Mbit/s with a 16 KiB bucket, in the plugin's units (bits per second, bits). */
const RATE_BITS = 2_000_000;
const BURST_BITS = 16 * 1024 * 8;
const LIMITS = { ingressRate: RATE_BITS, ingressBurst: BURST_BITS, egressRate: RATE_BITS, egressBurst: BURST_BITS };

function ok(t: Test, r: PluginRun, what: string): void {
  t.equal(r.exitCode, 0, `${what}: exit 0${r.exitCode ? ` (${r.stdout.trim()})` : ''}`);
}

function bridgeConfig(address: string): Record<string, unknown> {
  return { type: 'nlkit-bridge', bridge: 'cni0', isGateway: true, isDefaultGateway: true, ipam: { type: 'static', addresses: [{ address }] } };
}

/** What tc shows of a device's qdiscs, without what names or counts a particular device. */
function qdiscs(netns: string, dev: string): unknown[] {
  return tcJsonIn(netns, 'qdisc', 'show', 'dev', dev).map((q: any) => ({ kind: q.kind, handle: q.handle, parent: q.parent, root: q.root, options: q.options }));
}

function ifbs(netns: string): string[] {
  const out = ip(netns, '-j', 'link', 'show', 'type', 'ifb').trim();
  return (out === '' ? [] : JSON.parse(out)).map((l: any) => l.ifname);
}

const bandwidthPlugin = (which: Which) => ({ type: which === 'nlkit' ? 'nlkit-bandwidth' : 'bandwidth', capabilities: { bandwidth: true }, runtimeConfig: { bandwidth: LIMITS } });

function reference(outer: string, command: string, pod: string, config: unknown): Promise<PluginRun> {
  return execPlugin(outer, [REFERENCE_BANDWIDTH], cniEnv(command, { containerId: CONTAINER, netns: pod, ifname: 'eth0' }), config);
}

t.test('after nlkit-bridge: the same tc state and ifb as the reference bandwidth plugin; each CHECKs and DELs the other\'s', async (t) => {
  const { outer } = sideBySide(t);
  const [p1, p2] = pods(t, 2);
  const pod = { nlkit: p1!, reference: p2! };
  const added = {} as Record<Which, any>;
  for (const which of ['nlkit', 'reference'] as const) {
    const env = (command: string) => cniEnv(command, { containerId: CONTAINER, netns: pod[which].path, ifname: 'eth0' });
    const bridge = await runNlkit('nlkit-bridge', outer[which], env('ADD'), chained(LIST, bridgeConfig('10.77.60.5/24')));
    ok(t, bridge, `${which}: nlkit-bridge ADD`);
    // nlkit-bandwidth through its executable, as a runtime starts it.
    const r = which === 'nlkit'
      ? await execPlugin(outer.nlkit, nlkitPluginArgv('nlkit-bandwidth'), env('ADD'), chained(LIST, bandwidthPlugin(which), bridge.json))
      : await reference(outer.reference, 'ADD', pod.reference.path, chained(LIST, bandwidthPlugin(which), bridge.json));
    ok(t, r, `${which}: bandwidth ADD`);
    added[which] = r.json;
  }
  const ifbName = added.reference.interfaces[3].name;
  t.match(ifbName, /^bwp[0-9a-f]{12}$/);
  t.equal(added.nlkit.interfaces[3].name, ifbName, 'the ifb has the reference\'s name (bwp + sha512 of network and container)');
  t.same(added.nlkit.interfaces.slice(0, 3).map((i: any) => i.name), [hostEndName(added.nlkit) && 'cni0', hostEndName(added.nlkit), 'eth0']);
  t.same(ifbs(outer.nlkit), ifbs(outer.reference), 'one ifb each, the same name');
  t.same(qdiscs(outer.nlkit, hostEndName(added.nlkit)), qdiscs(outer.reference, hostEndName(added.reference)), 'host end: the same tbf (rate, burst, latency) and ingress qdisc');
  t.match(qdiscs(outer.nlkit, hostEndName(added.nlkit)), [{ kind: 'tbf', handle: '1:', root: true, options: { rate: RATE_BITS / 8, burst: BURST_BITS / 8, lat: 25000 } }, { kind: 'ingress' }]);
  t.same(qdiscs(outer.nlkit, ifbName), qdiscs(outer.reference, ifbName), 'ifb: the same tbf');
  const filters = (o: string, dev: string) => tcJsonIn(o, 'filter', 'show', 'dev', dev, 'parent', 'ffff:').map((f: any) => ({ ...f, options: { ...f.options, actions: f.options?.actions?.map((a: any) => ({ ...a, index: undefined, ref: undefined, bind: undefined })) } }));
  const [mine, theirs] = [filters(outer.nlkit, hostEndName(added.nlkit)), filters(outer.reference, hostEndName(added.reference))];
  // The reference's netlink library adds the redirect twice (a stolen one, then a
  // "pass" one no packet reaches, since the first steals them all); nlkit adds the one.
  const extra = theirs.at(-1)?.options.actions?.splice(1);
  t.match(extra, [{ kind: 'mirred', mirred_action: 'redirect', to_dev: ifbName, control_action: { type: 'pass' } }], 'the reference\'s unreachable second redirect');
  t.same(mine, theirs, 'the same u32 match-all filter redirecting (stolen) to the ifb');
  t.equal(ipJsonOne(outer.nlkit, ifbName).mtu, ipJsonOne(outer.nlkit, hostEndName(added.nlkit)).mtu, 'the ifb has the host end\'s MTU');

  for (const which of ['nlkit', 'reference'] as const) {
    const config = chained(LIST, bandwidthPlugin(which), added[which]);
    ok(t, await runNlkit('nlkit-bandwidth', outer[which], cniEnv('CHECK', { containerId: CONTAINER, netns: pod[which].path, ifname: 'eth0' }), config), `nlkit-bandwidth CHECK on the ${which} plugin's state`);
    ok(t, await reference(outer[which], 'CHECK', pod[which].path, config), `reference CHECK on the ${which} plugin's state`);
  }
  // Each DELs the other's: the ifb is found by its name alone.
  ok(t, await reference(outer.nlkit, 'DEL', pod.nlkit.path, chained(LIST, bandwidthPlugin('reference'), added.nlkit)), 'reference DEL of nlkit\'s ADD');
  ok(t, await runNlkit('nlkit-bandwidth', outer.reference, cniEnv('DEL', { containerId: CONTAINER, netns: pod.reference.path, ifname: 'eth0' }), chained(LIST, bandwidthPlugin('nlkit'), added.reference)), 'nlkit DEL of the reference\'s ADD');
  t.same([ifbs(outer.nlkit), ifbs(outer.reference)], [[], []], 'no ifb left on either side');
  t.same(qdiscs(outer.reference, hostEndName(added.reference)).map((q: any) => q.kind), ['noqueue'], 'nlkit DEL also cleared the host end the pod still has');
});

function ipJsonOne(netns: string, dev: string): any {
  return JSON.parse(ip(netns, '-j', 'link', 'show', 'dev', dev))[0];
}

const PORT = 5200;
const SIZE = 400_000;
/** The token bucket lets at most burst + rate × t bytes through in t seconds. */
const LOWER_BOUND_MS = ((SIZE - BURST_BITS / 8) / (RATE_BITS / 8)) * 1000;

t.test('the limits hold in both directions; CHECK detects drift; GC and DEL leave no ifb', async (t) => {
  const { outer: both } = sideBySide(t);
  const outer = both.nlkit;
  const [pod] = pods(t, 1);
  const env = (command: string) => cniEnv(command, { containerId: CONTAINER, netns: pod!.path, ifname: 'eth0' });
  const bridge = await runNlkit('nlkit-bridge', outer, env('ADD'), chained(LIST, bridgeConfig('10.77.61.5/24')));
  ok(t, bridge, 'nlkit-bridge ADD');
  const added = await runNlkit('nlkit-bandwidth', outer, env('ADD'), chained(LIST, bandwidthPlugin('nlkit'), bridge.json));
  ok(t, added, 'nlkit-bandwidth ADD');
  const config = chained(LIST, bandwidthPlugin('nlkit'), added.json);

  const hostPeer = nodeIn(t, outer, PEER, [String(PORT)]);
  const podPeer = nodeIn(t, pod!.name, PEER, [String(PORT)]);
  t.teardown(() => {
    hostPeer.child.stdin.end();
    podPeer.child.stdin.end();
  });
  await Promise.all([hostPeer.line(/^listening/, 30_000), podPeer.line(/^listening/, 30_000)]);
  hostPeer.send(`send 10.77.61.5 ${PORT} ${SIZE} in\n`);
  podPeer.send(`send 10.77.61.1 ${PORT} ${SIZE} out\n`);
  const [into, out] = await Promise.all([podPeer.line(/^got in /, 30_000), hostPeer.line(/^got out /, 30_000)]);
  for (const [what, line] of [['into the pod (ingress limit)', into], ['out of the pod (egress limit, through the ifb)', out]] as const) {
    const [, , bytes, ms] = line.split(' ');
    t.equal(Number(bytes), SIZE, `${what}: every byte arrived`);
    t.ok(Number(ms) >= LOWER_BOUND_MS, `${what}: ${Number(ms).toFixed(0)} ms >= ${LOWER_BOUND_MS.toFixed(0)} ms`);
  }

  const ifb = added.json.interfaces[3].name;
  const host = hostEndName(added.json);
  execFileSync('tc', ['-n', outer, 'qdisc', 'change', 'dev', host, 'root', 'handle', '1:', 'tbf', 'rate', '1mbit', 'burst', '16kb', 'latency', '25ms']);
  const rate = await runNlkit('nlkit-bandwidth', outer, env('CHECK'), config);
  t.same([rate.exitCode, rate.json.code, rate.json.msg], [1, 999, "Rate doesn't match"], 'CHECK detects a changed rate on the host end');
  execFileSync('tc', ['-n', outer, 'qdisc', 'del', 'dev', ifb, 'root']);
  const gone = await runNlkit('nlkit-bandwidth', outer, env('CHECK'), { ...config, runtimeConfig: { bandwidth: { egressRate: RATE_BITS, egressBurst: BURST_BITS } } });
  t.same([gone.exitCode, gone.json.code, gone.json.msg], [1, 999, 'Failed to find qdisc'], 'CHECK detects the ifb\'s tbf removed');

  const gc = (valid: unknown[]) => ({ cniVersion: '1.1.0', name: LIST.name, type: 'nlkit-bandwidth', 'cni.dev/valid-attachments': valid });
  ok(t, await runNlkit('nlkit-bandwidth', outer, cniEnv('GC'), gc([{ containerID: CONTAINER, ifname: 'eth0' }])), 'GC with the attachment valid');
  t.same(ifbs(outer), [ifb], 'the valid attachment keeps its ifb');
  ok(t, await runNlkit('nlkit-bandwidth', outer, cniEnv('GC'), { ...gc([{ containerID: CONTAINER, ifname: 'eth0' }]), name: 'another-net' }), 'GC of another network');
  t.same(ifbs(outer), [ifb], 'another network\'s GC leaves this network\'s ifb alone');
  ok(t, await runNlkit('nlkit-bandwidth', outer, cniEnv('GC'), gc([])), 'GC with no valid attachment');
  t.same(ifbs(outer), [], 'GC removed the leaked ifb');
  ok(t, await runNlkit('nlkit-bandwidth', outer, env('DEL'), config), 'DEL after GC');
  ok(t, await runNlkit('nlkit-bridge', outer, env('DEL'), chained(LIST, bridgeConfig('10.77.61.5/24'), added.json)), 'nlkit-bridge DEL');
  ok(t, await runNlkit('nlkit-bandwidth', outer, env('DEL'), config), 'DEL again, the pod\'s veth gone');
  t.same(ifbs(outer), [], 'no ifb');
  t.same(tcJsonIn(outer, 'qdisc', 'show').map((q: any) => q.dev).filter((d: string) => d !== 'cni0' && d !== 'lo'), [], 'no qdisc on any device but the bridge');
});

t.test('configuration: the reference\'s checks and messages; no limit passes the result through', async (t) => {
  const { outer } = sideBySide(t);
  const env = cniEnv('ADD', { containerId: 'bad', netns: '/run/netns/none', ifname: 'eth0' });
  const prevResult = { cniVersion: '1.0.0', interfaces: [{ name: 'vethx' }, { name: 'eth0', sandbox: '/run/netns/none' }], ips: [{ interface: 1, address: '10.77.62.2/24' }] };
  const cases = [
    { what: 'a rate without a burst', extra: { ingressRate: 1000 }, msg: 'if rate is set, burst must also be set' },
    { what: 'a burst without a rate', extra: { egressBurst: 1000 }, msg: 'if burst is set, rate must also be set' },
    { what: 'a burst over 4 GB', extra: { ingressRate: 1000, ingressBurst: 8 * 2 ** 32 }, msg: 'burst cannot be more than 4GB' },
    { what: 'a limit without prevResult', extra: { ingressRate: 1000, ingressBurst: 1000, prevResult: undefined }, msg: 'must be called as chained plugin' },
  ];
  for (const c of cases) {
    const config = { cniVersion: '1.0.0', name: LIST.name, type: 'bandwidth', prevResult, ...c.extra };
    const ref = await execPlugin(outer.reference, [REFERENCE_BANDWIDTH], env, config);
    const nlkit = await runNlkit('nlkit-bandwidth', outer.nlkit, env, config);
    t.same([ref.exitCode, ref.json?.code, ref.json?.msg], [1, 999, c.msg], `reference: ${c.what}`);
    t.same([nlkit.exitCode, nlkit.json?.code, nlkit.json?.msg], [1, 999, c.msg], `nlkit: ${c.what}`);
  }
  const none = await runNlkit('nlkit-bandwidth', outer.nlkit, env, { cniVersion: '1.0.0', name: LIST.name, type: 'nlkit-bandwidth', prevResult, runtimeConfig: { bandwidth: {} } });
  ok(t, none, 'no limit');
  t.same(none.json.interfaces, prevResult.interfaces, 'the result passed through, nothing made');
  t.same(ifbs(outer.nlkit), []);
  const status = await runNlkit('nlkit-bandwidth', outer.nlkit, cniEnv('STATUS'), { cniVersion: '1.1.0', name: LIST.name, type: 'nlkit-bandwidth' });
  ok(t, status, 'STATUS');
});
