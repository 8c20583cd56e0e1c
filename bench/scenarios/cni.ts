// cni: ADD and DEL latency of one pod as a CNI runtime sees it, serial and 8
// calls at a time, for three conflists:
//   bridge  bridge + host-local (gateway, default route)
//   masq    the same with ipMasq
//   chain   bridge (ipMasq) → portmap (a hostPort per pod) → bandwidth (ingress and egress limits)
// and three implementations, each in an outer namespace of its own that plays the host:
//   nlkit-agent       the plugin clients `npm run build` writes (the C client when cc
//                     works, else the Perl one; NLKIT_CNI_LAUNCHER=c|perl forces one)
//                     with the resident agent running
//   nlkit-standalone  the same clients with no agent: each runs its plugin with Node.js
//   reference         /usr/lib/cni/{bridge,portmap,bandwidth} with /usr/lib/cni/host-local
//
// The driver is cnitool when it is installed (/usr/local/bin/cnitool or on
// PATH): each call is `cnitool add|del NET /run/netns/POD` started with
// nsenter inside a sandbox (scripts/cni-sandbox.sh: a private mount namespace
// whose /var/lib/cni, libcni's result cache, is a temp dir) in the outer
// namespace, so a call's time includes nsenter's exec (the `driver` rows
// measure nsenter alone). The `plugin` rows are one plugin's own time as a
// runtime sees it, with neither cnitool nor nsenter: the bridge conflist's
// single plugin forked and waited for by the bench itself, exec to exit. Without cnitool the bench executes the plugins
// itself, as libcni does (fork, exec, stdin, wait; a conflist's plugins in
// order with the previous result, DEL in reverse with the cached result),
// forked with the main thread inside the outer namespace (withNetns around
// spawn), so no `ip netns exec` start is counted.
//
// The agent and the plugins run from dist/ when it is built, else from the
// sources through tsx (much slower to start: the standalone rows then mostly
// measure tsx). NLKIT_BENCH_CNI_DIST=<dir> names another build (a tsc outDir).
// NLKIT_BENCH_CNI_DRIVER=exec forces the built-in driver.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cClientConfigHeader } from '../../src/cni/agent/c-client.js';
import { compileCClient } from '../../scripts/compile-c-client.mjs';
import { perlClientScript } from '../../src/cni/agent/client-script.js';
import { createNetns, deleteNetns, withNetns } from '../../src/netns/index.js';
import { measure } from '../harness/measure.js';
import { benchNetnsName, withBenchNamespaces } from '../harness/namespaces.js';
import type { Implementation, MetricSpec, RunOutput, Scenario, ScenarioContext, ScenarioRow, Verifier } from '../harness/scenario.js';
import { hasCommand } from '../harness/tools.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const REFERENCE_DIR = '/usr/lib/cni';
const SANDBOX = join(ROOT, 'scripts/cni-sandbox.sh');
const PLUGINS = ['bridge', 'portmap', 'bandwidth'] as const;
const PARALLEL = 8;

type ConfName = 'bridge' | 'masq' | 'chain';
const CONFS: { name: ConfName; subnet: string; bridge: string; what: string }[] = [
  { name: 'bridge', subnet: '10.80', bridge: 'cni0', what: 'bridge + host-local' },
  { name: 'masq', subnet: '10.81', bridge: 'cni1', what: 'bridge + host-local + ipMasq' },
  { name: 'chain', subnet: '10.82', bridge: 'cni2', what: 'bridge (ipMasq) → portmap → bandwidth' },
];

type Launcher = 'c' | 'perl';

/**
 * Writes the plugin clients into `dir` as the build would: the C client
 * unless NLKIT_CNI_LAUNCHER says perl or it does not compile here.
 */
function writeClients(dir: string, options: (plugin: string) => { plugin: string; nodeCommands: string[][]; entry: string }): { launcher: Launcher; why?: string } {
  const forced = process.env.NLKIT_CNI_LAUNCHER;
  if (forced !== undefined && forced !== 'c' && forced !== 'perl') throw new Error(`NLKIT_CNI_LAUNCHER must be c or perl for the bench, not ${JSON.stringify(forced)}`);
  let why: string | undefined;
  if (forced !== 'perl') {
    try {
      for (const plugin of PLUGINS) compileCClient({ header: cClientConfigHeader(options(`nlkit-${plugin}`)), output: join(dir, `nlkit-${plugin}`) });
      return { launcher: 'c' };
    } catch (error) {
      if (forced === 'c') throw error;
      why = (error as Error).message.split('\n')[0];
    }
  }
  for (const plugin of PLUGINS) {
    const path = join(dir, `nlkit-${plugin}`);
    writeFileSync(path, perlClientScript(options(`nlkit-${plugin}`)));
    chmodSync(path, 0o755);
  }
  return { launcher: 'perl', ...(why === undefined ? {} : { why }) };
}

/** How to start the plugins standalone and the agent: from a build, else the sources through tsx. */
function nlkitCode(): { nodeArgs: string[]; entry(plugin: string): string; agent: string; from: string } {
  const dist = process.env.NLKIT_BENCH_CNI_DIST || join(ROOT, 'dist');
  const agent = join(dist, 'cni/agent/main.js');
  if (existsSync(join(dist, 'cni/bin/nlkit-bridge.js')) && existsSync(agent)) return { nodeArgs: [], entry: (p) => join(dist, `cni/bin/${p}.js`), agent, from: dist };
  return { nodeArgs: ['--import=tsx'], entry: (p) => join(ROOT, `src/cni/bin/${p}.ts`), agent: join(ROOT, 'src/cni/agent/main.ts'), from: 'sources (tsx)' };
}

function cnitoolPath(): string | undefined {
  if (process.env.NLKIT_BENCH_CNI_DRIVER === 'exec') return undefined;
  if (existsSync('/usr/local/bin/cnitool')) return '/usr/local/bin/cnitool';
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, 'cnitool'))) return join(dir, 'cnitool');
  return undefined;
}

interface Exited {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Starts `argv` with `outer` as its network namespace; resolves when it exits, with the time from spawn to exit. */
function execIn(outer: string, argv: string[], env: Record<string, string>, stdin: string): Promise<Exited> {
  const t0 = performance.now();
  const child = withNetns(outer, () => spawn(argv[0]!, argv.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'] }));
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stderr!.on('data', (c: Buffer) => err.push(c));
  child.stdin!.on('error', () => {});
  child.stdin!.end(stdin);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: performance.now() - t0 }));
  });
}

/** One implementation's files: its plugins' directory, network configurations and state. */
interface Setup {
  name: string;
  outer: string;
  /** The plugin `type` for bridge, portmap, bandwidth. */
  types: Record<(typeof PLUGINS)[number], string>;
  binDir: string;
  netDir: string;
  dataDir: string;
  env: Record<string, string>;
  /** The sandbox cnitool runs in (its pid), when cnitool drives. */
  sandbox?: ChildProcess;
}

function conflist(setup: Setup, conf: (typeof CONFS)[number]): { cniVersion: string; name: string; plugins: Record<string, unknown>[] } {
  const bridge: Record<string, unknown> = {
    type: setup.types.bridge, bridge: conf.bridge, isGateway: true, isDefaultGateway: true,
    ipam: { type: 'host-local', subnet: `${conf.subnet}.0.0/16`, dataDir: setup.dataDir },
  };
  if (conf.name !== 'bridge') bridge.ipMasq = true;
  const plugins = [bridge];
  if (conf.name === 'chain') {
    plugins.push({ type: setup.types.portmap, capabilities: { portMappings: true } }, { type: setup.types.bandwidth, capabilities: { bandwidth: true } });
  }
  return { cniVersion: '1.0.0', name: `bench-${conf.name}`, plugins };
}

/** The capability arguments of pod `i` (a hostPort of its own, so concurrent pods do not collide). */
function capArgs(i: number): Record<string, unknown> {
  return {
    portMappings: [{ hostPort: 20000 + i, containerPort: 80, protocol: 'tcp' }],
    bandwidth: { ingressRate: 100_000_000, ingressBurst: 1_000_000, egressRate: 100_000_000, egressBurst: 1_000_000 },
  };
}

/** The first address of a result ('' when there is none). */
function firstAddress(stdout: string): string {
  try {
    const address = (JSON.parse(stdout) as { ips?: { address?: unknown }[] }).ips?.[0]?.address;
    return typeof address === 'string' ? address : '';
  } catch {
    return '';
  }
}

interface Pod {
  index: number;
  netns: string;
  containerId: string;
  /** The ADD's final result (the built-in driver passes it to DEL as libcni does). */
  result?: unknown;
}

/** One ADD or DEL of a conflist, by the built-in driver: every plugin in order (DEL: reverse), one process each. */
async function execChain(setup: Setup, conf: (typeof CONFS)[number], command: 'ADD' | 'DEL', pod: Pod): Promise<Exited> {
  const list = conflist(setup, conf);
  const order = command === 'ADD' ? list.plugins : [...list.plugins].reverse();
  const caps = capArgs(pod.index);
  let prev = command === 'DEL' ? pod.result : undefined;
  const t0 = performance.now();
  let last: Exited = { code: 0, stdout: '', stderr: '', ms: 0 };
  for (const plugin of order) {
    const stdin: Record<string, unknown> = { ...plugin, name: list.name, cniVersion: list.cniVersion };
    delete stdin.capabilities;
    const wanted = Object.keys((plugin.capabilities as Record<string, boolean> | undefined) ?? {});
    if (wanted.length) stdin.runtimeConfig = Object.fromEntries(wanted.map((k) => [k, caps[k]]));
    if (prev !== undefined) stdin.prevResult = prev;
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin', CNI_PATH: setup.binDir, ...setup.env,
      CNI_COMMAND: command, CNI_CONTAINERID: pod.containerId, CNI_NETNS: `/run/netns/${pod.netns}`, CNI_IFNAME: 'eth0',
    };
    last = await execIn(setup.outer, [join(setup.binDir, plugin.type as string)], env, JSON.stringify(stdin));
    if (last.code !== 0) break;
    if (command === 'ADD') prev = JSON.parse(last.stdout);
  }
  if (command === 'ADD' && last.code === 0) pod.result = prev;
  return { ...last, stdout: command === 'ADD' && prev !== undefined ? JSON.stringify(prev) : last.stdout, ms: performance.now() - t0 };
}

/** One call through cnitool in the implementation's sandbox. */
function cnitoolCall(setup: Setup, cnitool: string, conf: (typeof CONFS)[number], command: 'add' | 'del', pod: Pod): Promise<Exited> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', ...setup.env, CNI_PATH: setup.binDir, NETCONFPATH: setup.netDir, CNI_IFNAME: 'eth0',
    CAP_ARGS: JSON.stringify(conf.name === 'chain' ? capArgs(pod.index) : {}),
  };
  return execIn(setup.outer, ['nsenter', '-t', String(setup.sandbox!.pid), '-m', 'cnitool', command, `bench-${conf.name}`, `/run/netns/${pod.netns}`], env, '');
}

function allocations(setup: Setup, conf: (typeof CONFS)[number]): string[] {
  const dir = join(setup.dataDir, `bench-${conf.name}`);
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)) : [];
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time (ms) of the children this process has waited for, from /proc/self/stat (cutime + cstime). */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

/** CPU time (ms) of a running process (utime + stime), 0 when there is none. */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/**
 * Every conflist of `setup`, serial then 8 at a time; samples keyed
 * `<conf>.<mode>.<add|del>`, and `<conf>.cpu`: the CPU time per call of
 * every process a call started (driver, plugins, their children) plus the
 * agent's (`agentPid`), which the load of the machine does not inflate
 * the way it inflates wall time.
 */
async function cycle(setup: Setup, cnitool: string | undefined, confs: readonly (typeof CONFS)[number][], sizes: { serial: number; parallel: number }, round: number, verify: Verifier, agentPid?: number): Promise<RunOutput> {
  const samples: Record<string, number[]> = {};
  const call = (conf: (typeof CONFS)[number], command: 'ADD' | 'DEL', pod: Pod) =>
    cnitool ? cnitoolCall(setup, cnitool, conf, command === 'ADD' ? 'add' : 'del', pod) : execChain(setup, conf, command, pod);
  const record = (key: string, r: Exited, ok: boolean, what: string) => {
    (samples[key] ??= []).push(r.ms);
    verify.check(ok, `${setup.name} ${what}: exit ${r.code} ${r.stdout.slice(0, 200)} ${r.stderr.slice(0, 300)}`);
  };
  const driver: number[] = [];
  for (const conf of confs) {
    const cpuBefore = childrenCpuMs() + processCpuMs(agentPid);
    let calls = 0;
    for (const mode of ['serial', 'parallel'] as const) {
      const count = sizes[mode];
      const list: Pod[] = Array.from({ length: count }, (_, index) => ({ index, netns: benchNetnsName('cni-pod'), containerId: `bench-${round}-${conf.name}-${mode}-${index}` }));
      for (const pod of list) createNetns(pod.netns);
      try {
        const key = `${conf.name}.${mode}`;
        const add = async (pod: Pod) => {
          const r = await call(conf, 'ADD', pod);
          record(`${key}.add`, r, r.code === 0 && firstAddress(r.stdout).startsWith(`${conf.subnet}.`), `${conf.name} ${mode} ADD ${pod.index}`);
        };
        const del = async (pod: Pod) => {
          const r = await call(conf, 'DEL', pod);
          record(`${key}.del`, r, r.code === 0, `${conf.name} ${mode} DEL ${pod.index}`);
        };
        if (mode === 'serial') {
          for (const pod of list) await add(pod);
          for (const pod of list) await del(pod);
        } else {
          for (let at = 0; at < list.length; at += PARALLEL) await Promise.all(list.slice(at, at + PARALLEL).map(add));
          for (let at = 0; at < list.length; at += PARALLEL) await Promise.all(list.slice(at, at + PARALLEL).map(del));
        }
        calls += 2 * list.length;
        const left = allocations(setup, conf);
        verify.check(left.length === 0, `${setup.name} ${conf.name} ${mode}: ${left.length} addresses still allocated after DEL`);
      } finally {
        for (const pod of list) deleteNetns(pod.netns);
      }
    }
    (samples[`${conf.name}.cpu`] ??= []).push((childrenCpuMs() + processCpuMs(agentPid) - cpuBefore) / calls);
    if (conf.name === 'bridge') await pluginAlone(setup, conf, sizes.serial, round, verify, samples);
    // What the driver itself costs per call: nsenter into the sandbox (cnitool) or nothing.
    if (cnitool) driver.push((await execIn(setup.outer, ['nsenter', '-t', String(setup.sandbox!.pid), '-m', 'true'], { PATH: process.env.PATH ?? '/usr/bin:/bin' }, '')).ms);
  }
  if (driver.length) samples.driver = driver;
  return { metrics: {}, samples };
}

/**
 * The plugin's own time as the runtime sees it: ADD then DEL of `count` pods
 * of the bridge conflist (one plugin), each call forked by the bench in the
 * outer namespace and timed from spawn to exit: no cnitool, no nsenter.
 */
async function pluginAlone(setup: Setup, conf: (typeof CONFS)[number], count: number, round: number, verify: Verifier, samples: Record<string, number[]>): Promise<void> {
  const list: Pod[] = Array.from({ length: count }, (_, index) => ({ index, netns: benchNetnsName('cni-pod'), containerId: `bench-${round}-plugin-${index}` }));
  for (const pod of list) createNetns(pod.netns);
  try {
    for (const pod of list) {
      const r = await execChain(setup, conf, 'ADD', pod);
      (samples['plugin.add'] ??= []).push(r.ms);
      verify.check(r.code === 0 && firstAddress(r.stdout).startsWith(`${conf.subnet}.`), `${setup.name} plugin alone ADD ${pod.index}: exit ${r.code} ${r.stdout.slice(0, 200)} ${r.stderr.slice(0, 300)}`);
    }
    for (const pod of list) {
      const r = await execChain(setup, conf, 'DEL', pod);
      (samples['plugin.del'] ??= []).push(r.ms);
      verify.check(r.code === 0, `${setup.name} plugin alone DEL ${pod.index}: exit ${r.code} ${r.stdout.slice(0, 200)} ${r.stderr.slice(0, 300)}`);
    }
  } finally {
    for (const pod of list) deleteNetns(pod.netns);
  }
  const left = allocations(setup, conf);
  verify.check(left.length === 0, `${setup.name} plugin alone: ${left.length} addresses still allocated after DEL`);
}

async function waitFor(what: string, ready: () => boolean, child: ChildProcess): Promise<void> {
  for (let waited = 0; !ready(); waited += 20) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    if (waited > 20_000) throw new Error(`${what} not ready after 20 s`);
    await sleep(20);
  }
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** A sandbox for cnitool in `outer`: `sleep` in a private mount namespace whose CNI paths are under `dir`. */
async function startSandbox(outer: string, dir: string): Promise<ChildProcess> {
  const child = spawn('nsenter', [`--net=/run/netns/${outer}`, SANDBOX, dir, 'sleep', 'infinity'], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitFor('the cnitool sandbox', () => {
    try {
      return readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim() === 'sleep';
    } catch {
      return false;
    }
  }, child);
  return child;
}

export const cni: Scenario = {
  name: 'cni',
  title: 'CNI: ADD and DEL of one pod through the plugin executables (bridge + host-local, + ipMasq, + portmap + bandwidth), serial and 8 at a time',
  async run(ctx: ScenarioContext): Promise<ScenarioRow[]> {
    const serial = ctx.smoke ? 1 : ctx.quick ? 8 : 16;
    const parallel = ctx.smoke ? 2 : ctx.quick ? PARALLEL : 2 * PARALLEL;
    // Without the agent every call is a Node.js start per plugin: fewer pods, the same modes.
    const standaloneSizes = { serial: ctx.smoke ? 1 : Math.max(2, serial / 4), parallel };
    const code = nlkitCode();
    const cnitool = cnitoolPath();
    const sandboxed = cnitool !== undefined && existsSync(SANDBOX) && hasCommand('nsenter');
    const driverName = sandboxed ? `cnitool (${cnitool})` : 'the bench itself (fork/exec as libcni does; cnitool not installed)';
    const temp = mkdtempSync(join(tmpdir(), 'nlkit-bench-cni-'));
    try {
      return await withBenchNamespaces(['cni-agent', 'cni-standalone', 'cni-ref'], async ([agentHost, standaloneHost, referenceHost]) => {
        const socketPath = join(temp, 'run', 'cni.sock');
        const nlkitBin = join(temp, 'nlkit-bin');
        mkdirSync(nlkitBin);
        const clients = writeClients(nlkitBin, (plugin) => ({ plugin, nodeCommands: [[process.execPath, ...code.nodeArgs]], entry: code.entry(plugin) }));
        for (const name of existsSync(REFERENCE_DIR) ? readdirSync(REFERENCE_DIR) : []) symlinkSync(join(REFERENCE_DIR, name), join(nlkitBin, name));
        const setup = (name: string, outer: string, nlkit: boolean, env: Record<string, string> = {}): Setup => {
          const dir = join(temp, name);
          const s: Setup = {
            name, outer, binDir: nlkit ? nlkitBin : REFERENCE_DIR, netDir: join(dir, 'net.d'), dataDir: join(dir, 'ipam'), env,
            types: { bridge: nlkit ? 'nlkit-bridge' : 'bridge', portmap: nlkit ? 'nlkit-portmap' : 'portmap', bandwidth: nlkit ? 'nlkit-bandwidth' : 'bandwidth' },
          };
          mkdirSync(s.netDir, { recursive: true });
          for (const conf of CONFS) writeFileSync(join(s.netDir, `${conf.name}.conflist`), JSON.stringify(conflist(s, conf)));
          return s;
        };
        const agentSetup = setup('nlkit-agent', agentHost!, true, { NLKIT_CNI_AGENT_SOCKET: socketPath });
        const standaloneSetup = setup('nlkit-standalone', standaloneHost!, true, { NLKIT_CNI_AGENT_SOCKET: join(temp, 'no-agent.sock') });
        const referenceSetup = setup('reference', referenceHost!, false);
        let agent: ChildProcess | undefined;
        const withSandbox = (s: Setup) => ({
          async prepare() {
            if (sandboxed) s.sandbox = await startSandbox(s.outer, join(temp, `${s.name}-sandbox`));
          },
          async dispose() {
            await stop(s.sandbox);
          },
        });
        const noPerl = clients.launcher === 'perl' && !hasCommand('perl') ? 'no C compiler and no perl on this machine' : undefined;
        const confKeys = (conf: ConfName) => [`${conf}.cpu`, ...['serial', 'parallel'].flatMap((m) => ['add', 'del'].flatMap((op) => [50, 99].map((p) => `${conf}.${m}.${op}-p${p}`)))];
        const smokeOnlyBridge = ctx.smoke ? Object.fromEntries(CONFS.filter((c) => c.name !== 'bridge').flatMap((c) => confKeys(c.name).map((key) => [key, 'smoke run: bridge conflist only (a Node.js start per plugin call)']))) : undefined;
        const implementations: Implementation[] = [
          {
            name: 'nlkit-agent',
            notApplicable: noPerl,
            async prepare() {
              // As deploy/kubernetes/nlkit-cni.yaml starts it: libuv's pool sized for concurrent veth deletes (docs/cni.md).
              const env = { ...process.env, UV_THREADPOOL_SIZE: '16' };
              agent = withNetns(agentHost!, () => spawn(process.execPath, [...code.nodeArgs, code.agent, '--socket', socketPath, '--del-queue', join(temp, 'del-queue'), '--quiet'], { env, stdio: ['ignore', 'ignore', 'inherit'] }));
              await waitFor('the agent', () => existsSync(socketPath), agent);
              await withSandbox(agentSetup).prepare();
            },
            run: ({ round, verify }) => cycle(agentSetup, sandboxed ? cnitool : undefined, CONFS, { serial, parallel }, round, verify, agent?.pid),
            async dispose() {
              await withSandbox(agentSetup).dispose();
              await stop(agent);
            },
          },
          {
            name: 'nlkit-standalone',
            notApplicable: noPerl,
            metricNotApplicable: smokeOnlyBridge,
            ...withSandbox(standaloneSetup),
            run: ({ round, verify }) => cycle(standaloneSetup, sandboxed ? cnitool : undefined, ctx.smoke ? CONFS.slice(0, 1) : CONFS, standaloneSizes, round, verify),
          },
          {
            name: 'reference',
            notApplicable: PLUGINS.every((p) => existsSync(join(REFERENCE_DIR, p))) && existsSync(join(REFERENCE_DIR, 'host-local')) ? undefined : `no reference plugins in ${REFERENCE_DIR} (containernetworking-plugins)`,
            ...withSandbox(referenceSetup),
            run: ({ round, verify }) => cycle(referenceSetup, sandboxed ? cnitool : undefined, CONFS, { serial, parallel }, round, verify),
          },
        ];
        const metrics: MetricSpec[] = CONFS.flatMap((conf) => (['serial', 'parallel'] as const).flatMap((mode) => (['add', 'del'] as const).flatMap((op) => [50, 99].map((p): MetricSpec => ({
          key: `${conf.name}.${mode}.${op}-p${p}`, unit: 'ms', better: 'lower',
          description: `${conf.what}: ${op.toUpperCase()} of one pod, ${mode === 'serial' ? 'one call at a time' : `${PARALLEL} calls at a time`}, p${p} (start to exit)`,
          fromSamples: { sample: `${conf.name}.${mode}.${op}`, percentile: p },
        })))));
        for (const conf of CONFS) {
          metrics.push({
            key: `${conf.name}.cpu`, unit: 'ms', better: 'lower',
            description: `${conf.what}: CPU time per ADD or DEL, every process involved (driver, plugins, the agent), mean over the run's calls`,
            fromSamples: { sample: `${conf.name}.cpu`, percentile: 50 },
          });
        }
        for (const op of ['add', 'del'] as const) {
          metrics.push({
            key: `plugin.${op}-p50`, unit: 'ms', better: 'lower',
            description: `bridge + host-local: the plugin alone (nlkit: its client; reference: bridge, which runs host-local), ${op.toUpperCase()} of one pod, forked by the bench, exec to exit (no cnitool, no nsenter), p50`,
            fromSamples: { sample: `plugin.${op}`, percentile: 50 },
          });
        }
        if (sandboxed) metrics.push({ key: 'driver-p50', unit: 'ms', better: 'lower', description: 'nsenter into the cnitool sandbox alone (included in every call above)', fromSamples: { sample: 'driver', percentile: 50 }, noRatios: true });
        return measure(ctx, {
          scenario: 'cni',
          metrics,
          implementations,
          ratioPairs: [['nlkit-agent', 'reference'], ['nlkit-agent', 'nlkit-standalone'], ['nlkit-standalone', 'reference']],
          notes: [
            `Driver: ${driverName}.`,
            `Pods per run and conflist: ${serial} serial (standalone ${standaloneSizes.serial}), ${parallel} in batches of ${Math.min(PARALLEL, parallel)} concurrent calls; ADDs first, then DELs.`,
            `nlkit code from ${code.from}; launcher: the ${clients.launcher === 'c' ? 'C client (src/cni/agent/client.c, compiled with cc)' : `Perl client${clients.why ? ` (no C client: ${clients.why})` : ' (NLKIT_CNI_LAUNCHER=perl)'}`}; without an agent each runs its plugin with Node.js (a bundled file per plugin).`,
            'The cpu rows are CPU time (user + system, 10 ms ticks summed over a run) of every process a call started, waited for, plus the agent\'s, divided by the calls: the median of the runs. Unlike the latencies, the load of the machine barely moves them.',
            'Conflists (cniVersion 1.0.0; the reference plugins are 1.1.1): bridge isGateway + isDefaultGateway + host-local /16 (state in a temporary directory); masq adds ipMasq; chain adds portmap (hostPort 20000+i → 80/tcp) and bandwidth (100 Mbit/s both ways) through CAP_ARGS / runtimeConfig.',
          ],
        });
      });
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  },
};
