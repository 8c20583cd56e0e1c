// nlkit-portmap and nlkit-bandwidth on the agent's cache (src/cni/agent/cache.ts):
// the cached path and the standalone path, run side by side in two outer
// namespaces playing the host, repair and report the same drift made behind
// their back (the hostport table deleted, route_localnet, the ifb and its tbf
// removed), read back with `nft -j` and `tc -j`. In-process through runPlugin
// with a CniCache, which is how the agent runs every call.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { CniCache } from '../../src/cni/agent/cache.js';
import { runPlugin, type PluginName } from '../../src/cni/plugins.js';
import { CHAINS_FACT } from '../../src/cni/portmap/table.js';
import { ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { chained, cniEnv, nftRuleset, pods, tcJsonIn, type PluginRun } from './helpers.js';

if (!requireRoot(t)) process.exit(0);

const LIST = { cniVersion: '1.0.0', name: 'cc-net' };
const TABLE = 'nlkit-cni-hostport';
const LIMITS = { ingressRate: 8_000_000, ingressBurst: 80_000, egressRate: 8_000_000, egressBurst: 80_000 };
type Mode = 'cached' | 'standalone';

interface Host {
  mode: Mode;
  outer: string;
  cache?: CniCache;
  dataDir: string;
}

function hosts(t: Test): Host[] {
  const [a, b] = testNetns(t, 2, 'cchost') as [string, string];
  const cache = new CniCache();
  t.teardown(() => cache.close());
  return [
    { mode: 'cached' as const, outer: a, cache },
    { mode: 'standalone' as const, outer: b },
  ].map((h) => {
    execFileSync('ip', ['-n', h.outer, 'link', 'set', 'lo', 'up']);
    const dataDir = mkdtempSync(join(tmpdir(), 'nlkt-cc-'));
    t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
    return { ...h, dataDir };
  });
}

async function call(h: Host, plugin: PluginName, command: string, pod: { path: string }, containerId: string, config: Record<string, unknown>): Promise<PluginRun> {
  const env = cniEnv(command, { containerId, netns: pod.path, ifname: 'eth0' });
  const { stdout, exitCode } = await runPlugin(plugin, env, JSON.stringify(config), { hostNetns: h.outer, ...(h.cache ? { cache: h.cache } : {}) });
  return { exitCode, stdout, json: stdout.trim() === '' ? undefined : JSON.parse(stdout) };
}

function bridge(h: Host): Record<string, unknown> {
  return chained(LIST, { type: 'nlkit-bridge', bridge: 'cni0', isGateway: true, isDefaultGateway: true, ipam: { type: 'host-local', subnet: '10.87.0.0/24', dataDir: h.dataDir } });
}

function portmap(hostPort: number, prev: unknown): Record<string, unknown> {
  return chained(LIST, { type: 'nlkit-portmap', runtimeConfig: { portMappings: [{ hostPort, containerPort: 80, protocol: 'tcp' }] } }, prev);
}

function bandwidth(prev: unknown): Record<string, unknown> {
  return chained(LIST, { type: 'nlkit-bandwidth', ...LIMITS }, prev);
}

/** The chain's ADD for one pod; returns each plugin's result. */
async function addChain(t: Test, h: Host, pod: { path: string }, id: string, hostPort: number) {
  const b = await call(h, 'nlkit-bridge', 'ADD', pod, id, bridge(h));
  t.equal(b.exitCode, 0, `${h.mode}: bridge ADD ${b.exitCode ? b.stdout : ''}`);
  const p = await call(h, 'nlkit-portmap', 'ADD', pod, id, portmap(hostPort, b.json));
  t.equal(p.exitCode, 0, `${h.mode}: portmap ADD ${p.exitCode ? p.stdout : ''}`);
  const w = await call(h, 'nlkit-bandwidth', 'ADD', pod, id, bandwidth(p.json));
  t.equal(w.exitCode, 0, `${h.mode}: bandwidth ADD ${w.exitCode ? w.stdout : ''}`);
  return { bridge: b.json, portmap: p.json, bandwidth: w.json };
}

/** The hostport table as `nft -j` lists it, handles left out: chains (name, hook, prio) and rules (chain, comment, expr). */
function hostportState(outer: string): { chains: unknown[]; rules: unknown[] } {
  const entries = nftRuleset(outer);
  return {
    chains: entries.filter((e) => e.chain?.table === TABLE).map((e) => ({ name: e.chain.name, hook: e.chain.hook, prio: e.chain.prio, type: e.chain.type })),
    rules: entries.filter((e) => e.rule?.table === TABLE).map((e) => ({ chain: e.rule.chain, comment: e.rule.comment, expr: e.rule.expr })),
  };
}

function deleteTable(outer: string): void {
  execFileSync('ip', ['netns', 'exec', outer, 'nft', 'delete', 'table', 'inet', TABLE]);
}

function localnet(outer: string, dev: string): string {
  return execFileSync('ip', ['netns', 'exec', outer, 'cat', `/proc/sys/net/ipv4/conf/${dev}/route_localnet`], { encoding: 'utf8' }).trim();
}

t.test('the hostport table deleted behind the cache: the next ADD makes it again, as the standalone ADD does', async (t) => {
  const hs = hosts(t);
  const [p1, p2, p3, p4] = pods(t, 4);
  const states: Record<Mode, ReturnType<typeof hostportState>> = {} as never;
  for (const [h, a, b] of [[hs[0]!, p1!, p2!], [hs[1]!, p3!, p4!]] as const) {
    const first = await addChain(t, h, a, 'ctr-a', 18080);
    t.equal(hostportState(h.outer).rules.length, 4, `${h.mode}: the first pod's DNAT (2) and masquerade (2) rules`);
    if (h.cache) {
      const state = h.cache.host({ hostNetns: h.outer })!;
      t.equal(state.fact(CHAINS_FACT), true, 'the agent remembers the table and its chains: its next ADD sends only rules');
      state.leave();
    }
    deleteTable(h.outer);
    t.same(hostportState(h.outer), { chains: [], rules: [] }, `${h.mode}: table gone behind the plugin's back`);
    // Another pod's ADD comes within the fact's lifetime: its rules-only batch fails, and it is sent again with the table.
    const second = await addChain(t, h, b, 'ctr-b', 18081);
    const after = hostportState(h.outer);
    t.same(after.chains.map((c: any) => c.name).sort(), ['output', 'postrouting', 'prerouting'], `${h.mode}: the table's three chains are back`);
    t.equal(after.rules.length, 4, `${h.mode}: the second pod's rules are there (the first's went with the table)`);
    t.ok(after.rules.every((r: any) => r.comment === 'nlkit:cni-portmap:cc-net/ctr-b/eth0'), `${h.mode}: all tagged with ctr-b`);
    // The first pod's ADD again (a runtime's retry) puts its rules back, once.
    const again = await call(h, 'nlkit-portmap', 'ADD', a, 'ctr-a', portmap(18080, first.bridge));
    t.equal(again.exitCode, 0, `${h.mode}: repeated ADD`);
    const again2 = await call(h, 'nlkit-portmap', 'ADD', a, 'ctr-a', portmap(18080, first.bridge));
    t.equal(again2.exitCode, 0, `${h.mode}: repeated ADD, twice`);
    t.equal(hostportState(h.outer).rules.length, 8, `${h.mode}: both pods' rules, none doubled`);
    const check = await call(h, 'nlkit-portmap', 'CHECK', a, 'ctr-a', portmap(18080, first.bridge));
    t.equal(check.exitCode, 0, `${h.mode}: CHECK accepts the repaired rules ${check.stdout}`);
    states[h.mode] = hostportState(h.outer);
    // DEL of both, in the chain's reverse order, leaves no table.
    for (const [pod, id, result, port] of [[a, 'ctr-a', first, 18080], [b, 'ctr-b', second, 18081]] as const) {
      t.equal((await call(h, 'nlkit-bandwidth', 'DEL', pod, id, bandwidth(result.portmap))).exitCode, 0, `${h.mode}: bandwidth DEL ${id}`);
      t.equal((await call(h, 'nlkit-portmap', 'DEL', pod, id, portmap(port, result.bridge))).exitCode, 0, `${h.mode}: portmap DEL ${id}`);
      t.equal((await call(h, 'nlkit-bridge', 'DEL', pod, id, bridge(h))).exitCode, 0, `${h.mode}: bridge DEL ${id}`);
    }
    t.same(hostportState(h.outer), { chains: [], rules: [] }, `${h.mode}: DEL of the last pod removes the table`);
    t.same(ipJson(h.outer, 'link', 'show', 'type', 'ifb'), [], `${h.mode}: no ifb left`);
  }
  t.same(states.cached, states.standalone, 'cached and standalone paths leave the same table (chains, rules, expressions)');

  // The table deleted between a cached ADD and its DEL: the DEL succeeds and the next ADD makes the table again.
  const h = hs[0]!;
  const [p5] = pods(t, 1);
  const r = await addChain(t, h, p5!, 'ctr-c', 18082);
  deleteTable(h.outer);
  t.equal((await call(h, 'nlkit-portmap', 'DEL', p5!, 'ctr-c', portmap(18082, r.bridge))).exitCode, 0, 'DEL after the table went: success');
  t.equal((await call(h, 'nlkit-portmap', 'ADD', p5!, 'ctr-c', portmap(18082, r.bridge))).exitCode, 0, 'ADD again');
  t.equal(hostportState(h.outer).rules.length, 4, 'the table and the rules are back');
  for (const [plugin, config] of [['nlkit-bandwidth', bandwidth(r.portmap)], ['nlkit-portmap', portmap(18082, r.bridge)], ['nlkit-bridge', bridge(h)]] as const) {
    t.equal((await call(h, plugin, 'DEL', p5!, 'ctr-c', config)).exitCode, 0, `${plugin} DEL`);
  }
});

t.test('route_localnet: set by the cached and the standalone ADD alike, and set again once the bridge is another one', async (t) => {
  const hs = hosts(t);
  const podsOf = pods(t, 4);
  for (const [i, h] of hs.entries()) {
    const [a, b] = [podsOf[2 * i]!, podsOf[2 * i + 1]!];
    const first = await addChain(t, h, a, 'ctr-l', 18090);
    t.equal(localnet(h.outer, 'cni0'), '1', `${h.mode}: route_localnet on the bridge`);
    for (const [plugin, config] of [['nlkit-bandwidth', bandwidth(first.portmap)], ['nlkit-portmap', portmap(18090, first.bridge)], ['nlkit-bridge', bridge(h)]] as const) {
      t.equal((await call(h, plugin, 'DEL', a, 'ctr-l', config)).exitCode, 0, `${h.mode}: ${plugin} DEL`);
    }
    // The bridge deleted and made again (another index): the next ADD sets the bit on the new one.
    execFileSync('ip', ['-n', h.outer, 'link', 'del', 'cni0']);
    const second = await addChain(t, h, b, 'ctr-m', 18091);
    t.equal(localnet(h.outer, 'cni0'), '1', `${h.mode}: route_localnet on the new bridge`);
    for (const [plugin, config] of [['nlkit-bandwidth', bandwidth(second.portmap)], ['nlkit-portmap', portmap(18091, second.bridge)], ['nlkit-bridge', bridge(h)]] as const) {
      t.equal((await call(h, plugin, 'DEL', b, 'ctr-m', config)).exitCode, 0, `${h.mode}: ${plugin} DEL`);
    }
  }
});

t.test('the ifb or its tbf removed behind the cache: CHECK reports it as the standalone CHECK does; DEL still succeeds', async (t) => {
  const hs = hosts(t);
  const podsOf = pods(t, 2);
  const answers: Record<Mode, unknown[]> = { cached: [], standalone: [] };
  for (const [i, h] of hs.entries()) {
    const pod = podsOf[i]!;
    const r = await addChain(t, h, pod, 'ctr-w', 18100);
    const ifb = (r.bandwidth.interfaces as { name: string }[]).at(-1)!.name;
    t.match(ifb, /^bwp[0-9a-f]{12}$/, `${h.mode}: the ifb is in the result`);
    t.equal(tcJsonIn(h.outer, 'qdisc', 'show', 'dev', ifb).filter((q: any) => q.kind === 'tbf').length, 1, `${h.mode}: tbf on the ifb (tc -j)`);
    const ok = await call(h, 'nlkit-bandwidth', 'CHECK', pod, 'ctr-w', bandwidth(r.portmap));
    t.equal(ok.exitCode, 0, `${h.mode}: CHECK passes before the drift ${ok.stdout}`);
    // The ifb's tbf removed: CHECK sees it.
    execFileSync('tc', ['-n', h.outer, 'qdisc', 'del', 'dev', ifb, 'root']);
    const noTbf = await call(h, 'nlkit-bandwidth', 'CHECK', pod, 'ctr-w', bandwidth(r.portmap));
    t.equal(noTbf.exitCode, 1, `${h.mode}: CHECK fails without the ifb's tbf`);
    answers[h.mode].push({ code: noTbf.json?.code, msg: noTbf.json?.msg });
    // The ifb itself removed.
    execFileSync('ip', ['-n', h.outer, 'link', 'del', ifb]);
    const noIfb = await call(h, 'nlkit-bandwidth', 'CHECK', pod, 'ctr-w', bandwidth(r.portmap));
    t.equal(noIfb.exitCode, 1, `${h.mode}: CHECK fails without the ifb`);
    t.equal(noIfb.json?.msg, 'Failed to find ifbDevice', `${h.mode}: the reference's message`);
    answers[h.mode].push({ code: noIfb.json?.code, msg: noIfb.json?.msg });
    // The host end's tbf removed (ingress limit).
    const hostEnd = (r.bridge.interfaces as { name: string; sandbox?: string }[]).find((x) => x.name.startsWith('veth'))!.name;
    execFileSync('tc', ['-n', h.outer, 'qdisc', 'del', 'dev', hostEnd, 'root']);
    const noHostTbf = await call(h, 'nlkit-bandwidth', 'CHECK', pod, 'ctr-w', bandwidth(r.portmap));
    t.equal(noHostTbf.exitCode, 1, `${h.mode}: CHECK fails without the host end's tbf`);
    answers[h.mode].push({ code: noHostTbf.json?.code, msg: noHostTbf.json?.msg });
    // DEL with the ifb already gone succeeds, twice, and leaves no qdisc of nlkit's on the host end.
    for (const n of [1, 2]) t.equal((await call(h, 'nlkit-bandwidth', 'DEL', pod, 'ctr-w', bandwidth(r.portmap))).exitCode, 0, `${h.mode}: bandwidth DEL #${n}`);
    t.same(tcJsonIn(h.outer, 'qdisc', 'show', 'dev', hostEnd).filter((q: any) => q.kind === 'tbf' || q.kind === 'ingress'), [], `${h.mode}: no tbf or ingress qdisc left on the host end`);
    for (const [plugin, config] of [['nlkit-portmap', portmap(18100, r.bridge)], ['nlkit-bridge', bridge(h)]] as const) {
      t.equal((await call(h, plugin, 'DEL', pod, 'ctr-w', config)).exitCode, 0, `${h.mode}: ${plugin} DEL`);
    }
  }
  t.same(answers.cached, answers.standalone, 'the cached and the standalone CHECK give the same answers');
  t.equal(answers.cached.length, 3, 'three drifts reported');
});

t.test('the cache follows the namespace: the host deleted and made again under the same name starts from nothing', async (t) => {
  const [h] = hosts(t);
  const [p1, p2] = pods(t, 2);
  await addChain(t, h!, p1!, 'ctr-n', 18110);
  const before = h!.cache!.host({ hostNetns: h!.outer })!;
  before.leave();
  t.equal(before.fact(CHAINS_FACT), true, 'fact remembered');
  // A new namespace under the same name (what the old one held is gone with it).
  execFileSync('ip', ['netns', 'del', h!.outer]);
  execFileSync('ip', ['netns', 'add', h!.outer]);
  execFileSync('ip', ['-n', h!.outer, 'link', 'set', 'lo', 'up']);
  rmSync(h!.dataDir, { recursive: true, force: true });
  const second = await addChain(t, h!, p2!, 'ctr-o', 18111);
  const after = h!.cache!.host({ hostNetns: h!.outer })!;
  after.leave();
  t.not(after, before, 'another host state for the new namespace');
  t.equal(hostportState(h!.outer).rules.length, 4, 'the new namespace has the table and the pod\'s rules');
  for (const [plugin, config] of [['nlkit-bandwidth', bandwidth(second.portmap)], ['nlkit-portmap', portmap(18111, second.bridge)], ['nlkit-bridge', bridge(h!)]] as const) {
    t.equal((await call(h!, plugin, 'DEL', p2!, 'ctr-o', config)).exitCode, 0, `${plugin} DEL`);
  }
});
