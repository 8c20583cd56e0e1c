// nlkit's plugins driven by a real CNI runtime: cnitool (the CNI project's
// command-line runtime, libcni 1.1.2, built from Debian's source package by
// scripts/build-cnitool.sh). One conflist, bridge + host-local with ipMasq,
// then portmap and bandwidth with their capabilities (CAP_ARGS), runs with
// the reference plugins and with nlkit's through the agent; the bridge alone
// runs with the reference, through the agent and standalone (no agent: the
// client runs the plugin with Node.js). Each run has an outer namespace that
// plays the host and a sandbox whose /var/lib/cni (libcni's result cache) is
// a temp dir. cnitool add, check (with libcni's cached result), check after
// drift, del, del again: the results, the pod, the bridge and the host end's
// qdiscs compared as the conformance test compares them, nothing left after del.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { startCniAgent, type CniAgent } from '../../src/cni/agent/index.js';
import { ip, ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { agentEnv, CNITOOL, pluginDir, requireTools, startSandbox, tempDir, TOOLS, type Ran } from '../helpers/cni-runtime.js';
import { hostDevice, podRoutes, pods, podState, resultShape, tcJsonIn } from './helpers.js';

type Mode = 'reference' | 'nlkit-agent' | 'nlkit-standalone';

const NETWORK = 'rtnet';
const SUBNET = '10.94.0';
const RATE_BITS = 8_000_000;
const BURST_BITS = 64 * 1024 * 8;
const CAP_ARGS = {
  portMappings: [{ hostPort: 18080, containerPort: 80, protocol: 'tcp' }],
  bandwidth: { ingressRate: RATE_BITS, ingressBurst: BURST_BITS, egressRate: RATE_BITS, egressBurst: BURST_BITS },
};

function conflist(mode: Mode, dataDir: string, chain: boolean): unknown {
  const type = (name: string) => (mode === 'reference' ? name : `nlkit-${name}`);
  const bridge = { type: type('bridge'), bridge: 'cni0', isGateway: true, isDefaultGateway: true, ipMasq: true, ipam: { type: 'host-local', subnet: `${SUBNET}.0/24`, dataDir } };
  const rest = chain ? [{ type: type('portmap'), capabilities: { portMappings: true } }, { type: type('bandwidth'), capabilities: { bandwidth: true } }] : [];
  return { cniVersion: '1.0.0', name: NETWORK, plugins: [bridge, ...rest] };
}

/** What one mode left: cnitool's output and the kernel's state after add, and after del. */
interface Outcome {
  add: Ran;
  result: any;
  check: Ran;
  /** check after drift, and del again: not run standalone (each call there starts Node.js with tsx, seconds on a loaded machine). */
  drift?: Ran;
  del: Ran;
  delAgain?: Ran;
  pod: unknown;
  routes: unknown;
  bridge: unknown;
  qdiscs: unknown;
  ifbs: number;
  after: { podLinks: string[]; veths: string[]; ifbs: number; addresses: string[]; cached: string[] };
  agentCalls?: number[];
}

function addressFiles(dataDir: string): string[] {
  const dir = join(dataDir, NETWORK);
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)) : [];
}

function linksOfType(netns: string, kind: string): string[] {
  return ipJson(netns, 'link', 'show', 'type', kind).map((l: any) => l.ifname);
}

/** The host end's qdiscs, without what names or counts a particular device. */
function qdiscs(netns: string, dev: string): unknown[] {
  return tcJsonIn(netns, 'qdisc', 'show', 'dev', dev).map((q: any) => ({ kind: q.kind, handle: q.handle, parent: q.parent, root: q.root, options: q.options }));
}

/** One run of cnitool add, check, check after drift, del, del again (standalone: add, check, del) in a fresh outer namespace. */
async function drive(t: Test, mode: Mode, chain: boolean): Promise<Outcome> {
  const [outer] = testNetns(t, 1, 'cnitool');
  const [pod] = pods(t, 1);
  const dir = tempDir(t, 'cnitool');
  const dataDir = join(dir, 'ipam');
  pluginDir(join(dir, 'bin'));
  mkdirSync(join(dir, 'net.d'));
  writeFileSync(join(dir, 'net.d', `${NETWORK}.conflist`), JSON.stringify(conflist(mode, dataDir, chain)));
  const socket = join(dir, 'agent.sock');
  let agent: CniAgent | undefined;
  if (mode === 'nlkit-agent') {
    agent = await startCniAgent({ socketPath: socket, runOptions: { hostNetns: outer! } });
    t.teardown(() => agent!.close());
  }
  // The sandbox only holds the namespaces; cnitool runs in them through nsenter.
  const sandbox = await startSandbox(t, outer!, dir, ['sleep', 'infinity'], { log: join(dir, 'sandbox.log') });
  const env = {
    NETCONFPATH: join(dir, 'net.d'), CNI_PATH: join(dir, 'bin'), CAP_ARGS: JSON.stringify(chain ? CAP_ARGS : {}),
    ...agentEnv(socket, dir),
  };
  const cnitool = (command: string) => sandbox.exec([CNITOOL, command, NETWORK, pod!.path], { env, timeoutMs: 45_000 });
  const calls: number[] = [];
  const counted = async (command: string) => {
    const before = agent?.answered ?? 0;
    const r = await cnitool(command);
    calls.push((agent?.answered ?? 0) - before);
    return r;
  };

  const add = await counted('add');
  let result: any;
  try {
    result = JSON.parse(add.stdout);
  } catch {
    result = undefined;
  }
  const hostEnd = result?.interfaces?.[1]?.name ?? 'missing';
  const state = {
    pod: podState(pod!.name), routes: podRoutes(pod!.name), bridge: add.code === 0 ? hostDevice(outer!, 'cni0') : undefined,
    qdiscs: add.code === 0 ? qdiscs(outer!, hostEnd) : undefined, ifbs: linksOfType(outer!, 'ifb').length,
  };
  const check = await counted('check');
  // Drift: the pod's address gone; the bridge, first in the list, has to see it.
  const full = mode !== 'nlkit-standalone';
  if (full) ip(pod!.name, 'addr', 'flush', 'dev', 'eth0');
  const drift = full ? await counted('check') : undefined;
  const del = await counted('del');
  const delAgain = full ? await counted('del') : undefined;
  const results = join(dir, 'lib', 'results');
  return {
    add, result, check, drift, del, delAgain, ...state,
    after: {
      podLinks: ipJson(pod!.name, 'link', 'show').map((l: any) => l.ifname),
      veths: linksOfType(outer!, 'veth'),
      ifbs: linksOfType(outer!, 'ifb').length,
      addresses: addressFiles(dataDir),
      cached: existsSync(results) ? readdirSync(results) : [],
    },
    ...(agent ? { agentCalls: calls } : {}),
  };
}

/**
 * cnitool's exit codes and what is left after del. `checkFails`: the reference
 * portmap 1.1.1 fails CHECK on an IPv4-only pod, looking for IPv6 rules it
 * never made (containernetworking/plugins#819, fixed after 1.1.1).
 */
function expectClean(t: Test, mode: Mode, o: Outcome, checkFails?: RegExp): void {
  t.equal(o.add.code, 0, `${mode}: cnitool add exits 0 (${o.add.stderr.trim().slice(0, 300)})`);
  t.match(o.result?.ips?.[0]?.address, new RegExp(`^${SUBNET.replace(/\./g, '\\.')}\\.\\d+/24$`), `${mode}: an address from the range`);
  if (checkFails) {
    t.equal(o.check.code, 1, `${mode}: cnitool check fails, as known`);
    t.match(o.check.stderr.trim(), checkFails, `${mode}: with the known message`);
  } else {
    t.equal(o.check.code, 0, `${mode}: cnitool check (libcni's cached result as prevResult) exits 0 (${o.check.stderr.trim().slice(0, 300)})`);
  }
  if (o.drift) t.not(o.drift.code, 0, `${mode}: cnitool check fails once the pod's address is gone (${o.drift.stderr.trim().slice(0, 200)})`);
  t.equal(o.del.code, 0, `${mode}: cnitool del exits 0 (${o.del.stderr.trim().slice(0, 300)})`);
  if (o.delAgain) t.equal(o.delAgain.code, 0, `${mode}: a second del exits 0 too`);
  t.same(o.after, { podLinks: ['lo'], veths: [], ifbs: 0, addresses: [], cached: [] }, `${mode}: after del: no pod interface, no veth, no ifb, no IPAM file, no cached result`);
}

/** resultShape, and the bandwidth plugin's ifb (named after the container ID, which cnitool derives from the pod's path). */
function shape(result: any): any {
  const copy = resultShape(result);
  for (const iface of copy?.interfaces ?? []) if (typeof iface.name === 'string' && /^bwp[0-9a-f]{12}$/.test(iface.name)) iface.name = '<ifb>';
  return copy;
}

/** The three compared: results, pod, routes, bridge, host end's qdiscs. */
function compare(t: Test, outcomes: Partial<Record<Mode, Outcome>>): void {
  const ref = outcomes.reference!;
  for (const mode of ['nlkit-agent', 'nlkit-standalone'] as const) {
    const o = outcomes[mode];
    if (o === undefined) continue;
    t.same(shape(o.result), shape(ref.result), `${mode}: the result cnitool prints is the reference's`);
    t.same(o.pod, ref.pod, `${mode}: the pod's devices and addresses (ip -j -d addr) are the reference's`);
    t.same(o.routes, ref.routes, `${mode}: the pod's routes (ip -j -d route) are the reference's`);
    t.same(o.bridge, ref.bridge, `${mode}: the bridge (ip -j -d addr show dev cni0) is the reference's`);
    t.same(o.qdiscs, ref.qdiscs, `${mode}: the host end's qdiscs (tc -j qdisc) are the reference's`);
    t.equal(o.ifbs, ref.ifbs, `${mode}: as many ifb devices as the reference (${ref.ifbs})`);
  }
}

const ready = requireRoot(t) && requireTools(t, [TOOLS.cnitool, TOOLS.perl, TOOLS.referencePlugins, TOOLS.nsenter]);

if (ready) {
  t.test('bridge + portmap + bandwidth: the reference plugins and nlkit\'s through the agent give cnitool the same', async (t) => {
    const ref = await drive(t, 'reference', true);
    const nlkit = await drive(t, 'nlkit-agent', true);
    expectClean(t, 'reference', ref, /^could not check ipv6 dnat: chain CNI-DN-[0-9a-f]+ not found in iptables table nat$/);
    expectClean(t, 'nlkit-agent', nlkit);
    t.equal(ref.ifbs, 1, 'reference: the bandwidth plugin made its ifb');
    compare(t, { reference: ref, 'nlkit-agent': nlkit });
    // Three plugins: add, check and del call each once; the check after drift stops at the bridge.
    t.same(nlkit.agentCalls, [3, 3, 1, 3, 3], 'the agent answered every plugin call (add, check, check after drift, del, del)');
  });

  t.test('bridge alone: the reference, nlkit through the agent and nlkit standalone give cnitool the same', async (t) => {
    const outcomes = {} as Record<Mode, Outcome>;
    for (const mode of ['reference', 'nlkit-agent', 'nlkit-standalone'] as const) {
      outcomes[mode] = await drive(t, mode, false);
      expectClean(t, mode, outcomes[mode]);
    }
    compare(t, outcomes);
    t.same(outcomes['nlkit-agent'].agentCalls, [1, 1, 1, 1, 1], 'the agent answered every call');
  });
}
