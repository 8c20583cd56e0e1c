// cni: ADD and DEL latency of one pod, serial, as a CNI runtime sees it: the
// plugin executable started with the CNI environment and the configuration on
// stdin, timed from the spawn to its exit. Three implementations on the same
// configuration (bridge + host-local, gateway and default route), each in an
// outer namespace of its own that plays the host:
//   nlkit-agent       dist/cni/nlkit-bridge (the Perl client) with the resident agent running
//   nlkit-standalone  the same client with no agent: it runs the plugin with Node.js
//   reference         /usr/lib/cni/bridge with /usr/lib/cni/host-local
// The runtimes' driver, cnitool, is not installed here, so the bench executes
// the plugins itself, as libcni does (fork, exec, stdin, wait). Children are
// forked with the main thread inside the outer namespace (withNetns around
// spawn), so no `ip netns exec` start is counted.
//
// The agent and the plugin run from dist/ when it is built, else from the
// sources through tsx (much slower to start: the standalone row then mostly
// measures tsx). NLKIT_BENCH_CNI_DIST=<dir> names another build (a tsc outDir).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { perlClientScript } from '../../src/cni/agent/client-script.js';
import { createNetns, deleteNetns, withNetns } from '../../src/netns/index.js';
import { measure } from '../harness/measure.js';
import { benchNetnsName, withBenchNamespaces } from '../harness/namespaces.js';
import type { Implementation, RunOutput, Scenario, ScenarioContext, ScenarioRow } from '../harness/scenario.js';
import { hasCommand } from '../harness/tools.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const REFERENCE_DIR = '/usr/lib/cni';

/** How to start the plugin standalone and the agent: from a build, else the sources through tsx. */
function nlkitCode(): { nodeArgs: string[]; plugin: string; agent: string; from: string } {
  const dist = process.env.NLKIT_BENCH_CNI_DIST || join(ROOT, 'dist');
  const plugin = join(dist, 'cni/bin/nlkit-bridge.js');
  const agent = join(dist, 'cni/agent/main.js');
  if (existsSync(plugin) && existsSync(agent)) return { nodeArgs: [], plugin, agent, from: dist };
  return { nodeArgs: ['--import=tsx'], plugin: join(ROOT, 'src/cni/bin/nlkit-bridge.ts'), agent: join(ROOT, 'src/cni/agent/main.ts'), from: 'sources (tsx)' };
}

interface Exited {
  code: number;
  stdout: string;
  ms: number;
}

/** Starts `argv` with `outer` as its network namespace; resolves when it exits, with the time from spawn to exit. */
function execIn(outer: string, argv: string[], env: Record<string, string>, stdin: string): Promise<Exited> {
  const t0 = performance.now();
  const child = withNetns(outer, () => spawn(argv[0]!, argv.slice(1), { env, stdio: ['pipe', 'pipe', 'inherit'] }));
  const chunks: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => chunks.push(c));
  child.stdin!.end(stdin);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
  });
}

interface Plugin {
  name: string;
  /** The executable and the environment beyond the CNI_* variables. */
  argv: string[];
  env: Record<string, string>;
  type: string;
  outer: string;
  dataDir: string;
}

function conflist(plugin: Plugin): string {
  return JSON.stringify({
    cniVersion: '1.0.0', name: 'benchnet', type: plugin.type, bridge: 'cni0', isGateway: true, isDefaultGateway: true,
    ipam: { type: 'host-local', subnet: '10.80.0.0/16', dataDir: plugin.dataDir },
  });
}

/** The first address of an ADD result ('' when there is none): the reference prints indented JSON, nlkit compact. */
function firstAddress(stdout: string): string {
  try {
    const address = (JSON.parse(stdout) as { ips?: { address?: unknown }[] }).ips?.[0]?.address;
    return typeof address === 'string' ? address : '';
  } catch {
    return '';
  }
}

/** `pods` pods added one after another, then deleted one after another; per-call latencies. */
async function cycle(plugin: Plugin, pods: number, round: number, verify: { check(ok: boolean, message: string): void }): Promise<RunOutput> {
  const add: number[] = [];
  const del: number[] = [];
  const names = Array.from({ length: pods }, () => benchNetnsName('cni-pod'));
  for (const name of names) createNetns(name);
  try {
    const config = conflist(plugin);
    const env = (command: string, i: number): Record<string, string> => ({
      PATH: process.env.PATH ?? '/usr/bin:/bin', CNI_PATH: REFERENCE_DIR, ...plugin.env,
      CNI_COMMAND: command, CNI_CONTAINERID: `bench-${round}-${i}`, CNI_NETNS: `/run/netns/${names[i]}`, CNI_IFNAME: 'eth0',
    });
    for (let i = 0; i < pods; i++) {
      const r = await execIn(plugin.outer, plugin.argv, env('ADD', i), config);
      verify.check(r.code === 0 && firstAddress(r.stdout).startsWith('10.80.'), `${plugin.name} ADD ${i}: exit ${r.code} ${r.stdout.slice(0, 200)}`);
      add.push(r.ms);
    }
    for (let i = 0; i < pods; i++) {
      const r = await execIn(plugin.outer, plugin.argv, env('DEL', i), config);
      verify.check(r.code === 0, `${plugin.name} DEL ${i}: exit ${r.code} ${r.stdout.slice(0, 200)}`);
      del.push(r.ms);
    }
    const left = readdirSync(join(plugin.dataDir, 'benchnet')).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f));
    verify.check(left.length === 0, `${plugin.name}: ${left.length} addresses still allocated after DEL`);
  } finally {
    for (const name of names) deleteNetns(name);
  }
  return { metrics: {}, samples: { add, del } };
}

async function waitForSocket(path: string, agent: ChildProcess): Promise<void> {
  while (!existsSync(path)) {
    if (agent.exitCode !== null) throw new Error(`the agent exited with ${agent.exitCode}`);
    await sleep(20);
  }
}

export const cni: Scenario = {
  name: 'cni',
  title: 'CNI bridge + host-local: ADD and DEL of one pod, serial, through the plugin executable',
  async run(ctx: ScenarioContext): Promise<ScenarioRow[]> {
    const pods = ctx.smoke ? 2 : ctx.quick ? 10 : 25;
    const code = nlkitCode();
    const temp = mkdtempSync(join(tmpdir(), 'nlkit-bench-cni-'));
    try {
      return await withBenchNamespaces(['cni-agent', 'cni-standalone', 'cni-ref'], async ([agentHost, standaloneHost, referenceHost]) => {
        const client = join(temp, 'nlkit-bridge');
        writeFileSync(client, perlClientScript({ plugin: 'nlkit-bridge', nodeCommands: [[process.execPath, ...code.nodeArgs]], entry: code.plugin }));
        chmodSync(client, 0o755);
        const socketPath = join(temp, 'run', 'cni.sock');
        let agent: ChildProcess | undefined;
        const plugin = (name: string, outer: string, argv: string[], type: string, env: Record<string, string> = {}): Plugin => ({ name, argv, env, type, outer, dataDir: join(temp, name) });
        const agentPlugin = plugin('nlkit-agent', agentHost!, [client], 'nlkit-bridge', { NLKIT_CNI_AGENT_SOCKET: socketPath });
        const standalonePlugin = plugin('nlkit-standalone', standaloneHost!, [client], 'nlkit-bridge', { NLKIT_CNI_AGENT_SOCKET: join(temp, 'no-agent.sock') });
        const referencePlugin = plugin('reference', referenceHost!, [join(REFERENCE_DIR, 'bridge')], 'bridge');
        const implementations: Implementation[] = [
          {
            name: 'nlkit-agent',
            notApplicable: hasCommand('perl') ? undefined : 'no perl on this machine',
            async prepare() {
              agent = withNetns(agentHost!, () => spawn(process.execPath, [...code.nodeArgs, code.agent, '--socket', socketPath, '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] }));
              await waitForSocket(socketPath, agent);
            },
            run: ({ round, verify }) => cycle(agentPlugin, pods, round, verify),
            async dispose() {
              if (!agent || agent.exitCode !== null) return;
              const exited = new Promise((resolve) => agent!.once('exit', resolve));
              agent.kill('SIGTERM');
              await exited;
            },
          },
          {
            name: 'nlkit-standalone',
            notApplicable: hasCommand('perl') ? undefined : 'no perl on this machine',
            run: ({ round, verify }) => cycle(standalonePlugin, pods, round, verify),
          },
          {
            name: 'reference',
            notApplicable: existsSync(join(REFERENCE_DIR, 'bridge')) && existsSync(join(REFERENCE_DIR, 'host-local')) ? undefined : `no reference plugins in ${REFERENCE_DIR} (containernetworking-plugins)`,
            run: ({ round, verify }) => cycle(referencePlugin, pods, round, verify),
          },
        ];
        return measure(ctx, {
          scenario: 'cni',
          metrics: [
            { key: 'add-p50', unit: 'ms', better: 'lower', description: 'median ADD of one pod (spawn to exit)', fromSamples: { sample: 'add', percentile: 50 } },
            { key: 'add-p99', unit: 'ms', better: 'lower', description: '99th percentile ADD of one pod', fromSamples: { sample: 'add', percentile: 99 } },
            { key: 'del-p50', unit: 'ms', better: 'lower', description: 'median DEL of one pod (spawn to exit)', fromSamples: { sample: 'del', percentile: 50 } },
            { key: 'del-p99', unit: 'ms', better: 'lower', description: '99th percentile DEL of one pod', fromSamples: { sample: 'del', percentile: 99 } },
          ],
          implementations,
          ratioPairs: [['nlkit-agent', 'reference'], ['nlkit-agent', 'nlkit-standalone'], ['nlkit-standalone', 'reference']],
          notes: [
            `${pods} pods per run, added one after another, then deleted one after another; each call is one process started as a runtime starts it (cnitool is not installed here: the bench executes the plugins itself, as libcni does).`,
            `nlkit code from ${code.from}; the executable is the Perl client (dist/cni/nlkit-bridge); without an agent it runs the plugin with Node.js.`,
            'Configuration: bridge cni0, isGateway, isDefaultGateway, host-local 10.80.0.0/16 (state in a temporary directory); cniVersion 1.0.0 (the reference plugins are 1.1.1).',
          ],
        });
      });
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  },
};
