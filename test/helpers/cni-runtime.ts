// Real CNI runtimes for the tests: cnitool and containerd (ctr run --cni),
// each in a sandbox made by scripts/cni-sandbox.sh: a private mount
// namespace in which /etc/cni/net.d, /opt/cni/bin, /var/lib/cni (and for
// containerd /run/containerd) are a temp dir's, entered from an outer network
// namespace that plays the host. Nothing of the host's CNI directories, links
// or routes is touched; everything started here is stopped by its process id.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import type { Test } from 'tap';
import { AGENT_SOCKET_VARIABLE, DEL_QUEUE_VARIABLE, perlClientScript } from '../../src/cni/agent/index.js';
import { buildCClient, CClientBuildError } from './c-client.js';
import type { PluginName } from '../../src/cni/plugins.js';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
/** Where scripts/build-cnitool.sh installs cnitool. */
export const CNITOOL = '/usr/local/bin/cnitool';
/** Set it to let the runtime tests skip when a tool is missing, instead of failing. */
export const SKIP_VARIABLE = 'NLKIT_SKIP_RUNTIMES';
const SANDBOX = join(ROOT, 'scripts/cni-sandbox.sh');
const NLKIT_PLUGINS: PluginName[] = ['nlkit-bridge', 'nlkit-portmap', 'nlkit-bandwidth'];
const REFERENCE_DIR = '/usr/lib/cni';

/**
 * The environment that sends the plugin clients to the agent on `socket` (a
 * path where none listens: standalone), with DELs queued, if ever, under `dir`.
 */
export function agentEnv(socket: string, dir: string): Record<string, string> {
  return { [AGENT_SOCKET_VARIABLE]: socket, [DEL_QUEUE_VARIABLE]: join(dir, 'del-queue') };
}

/** A tool a runtime test needs, and how to get it. */
export interface Tool {
  name: string;
  /** An absolute path, or a name looked up on PATH. */
  command: string;
  install: string;
}

export const TOOLS = {
  cnitool: { name: 'cnitool', command: CNITOOL, install: 'bash scripts/build-cnitool.sh (Debian: apt-get install golang-go dpkg-dev first, or let the script do it)' },
  containerd: { name: 'containerd', command: 'containerd', install: 'apt-get install containerd' },
  ctr: { name: 'ctr', command: 'ctr', install: 'apt-get install containerd' },
  runc: { name: 'runc', command: 'runc', install: 'apt-get install runc (containerd depends on it)' },
  busybox: { name: 'a static busybox', command: '/bin/busybox', install: 'apt-get install busybox-static' },
  perl: { name: 'perl (the plugin client)', command: '/usr/bin/perl', install: 'apt-get install perl-base' },
  referencePlugins: { name: 'the reference CNI plugins', command: `${REFERENCE_DIR}/bridge`, install: 'apt-get install containernetworking-plugins' },
  nsenter: { name: 'nsenter and unshare', command: 'nsenter', install: 'apt-get install util-linux' },
} satisfies Record<string, Tool>;

function found(command: string): boolean {
  if (command.includes('/')) return existsSync(command);
  return (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

/**
 * True when every tool is there. Otherwise the test FAILS, naming what to
 * install, unless NLKIT_SKIP_RUNTIMES is set: then it is skipped.
 */
export function requireTools(t: Test, tools: Tool[]): boolean {
  const missing = tools.filter((tool) => !found(tool.command));
  if (missing.length === 0) return true;
  const what = missing.map((tool) => `${tool.name}${tool.command === tool.name ? '' : ` (${tool.command})`}: ${tool.install}`).join('; ');
  if (process.env[SKIP_VARIABLE]) {
    t.plan(0, `${SKIP_VARIABLE} is set and a runtime is missing: ${what}`);
  } else {
    t.fail(`missing for the CNI runtime tests: ${what} (or set ${SKIP_VARIABLE}=1 to skip them)`);
    t.end();
  }
  return false;
}

/** A temp dir removed when the test ends. */
export function tempDir(t: Test, tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `nlkit-${tag}-`));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Fills `dir` as a CNI bin directory: nlkit's plugin executables (the
 * client `npm run build` would pick: C when this host compiles it, else
 * Perl; either falls back to the plugin's sources through tsx when no agent
 * answers) and links to the reference plugins.
 */
export function pluginDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const plugin of NLKIT_PLUGINS) {
    const path = join(dir, plugin);
    const settings = { plugin, nodeCommands: [[process.execPath, `--import=${join(ROOT, 'node_modules/tsx/dist/esm/index.mjs')}`]], entry: join(ROOT, `src/cni/bin/${plugin}.ts`) };
    try {
      buildCClient({ ...settings, output: path });
    } catch (error) {
      if (!(error instanceof CClientBuildError)) throw error;
      writeFileSync(path, perlClientScript(settings));
      chmodSync(path, 0o755);
    }
  }
  for (const name of readdirSync(REFERENCE_DIR)) symlinkSync(join(REFERENCE_DIR, name), join(dir, name));
  return dir;
}

/** What a command run in a sandbox printed and how it exited. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** A process tree in a private mount namespace (scripts/cni-sandbox.sh) inside an outer network namespace. */
export interface Sandbox {
  /** The sandbox's directory: net.d, bin, lib (and run) appear at the CNI paths inside. */
  readonly dir: string;
  /** The process started in it (its namespaces are the sandbox's). */
  readonly pid: number;
  /** Runs argv inside the sandbox's mount and network namespaces (nsenter), with the repository as its working directory. */
  exec(argv: string[], options?: { env?: Record<string, string>; stdin?: string; timeoutMs?: number }): Promise<Ran>;
  /** SIGTERM to the process, SIGKILL after 5 s; resolves when it has exited. */
  stop(): Promise<void>;
}

function collect(child: ReturnType<typeof spawn>, stdin: string | undefined, timeoutMs: number): Promise<Ran> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => err.push(c));
  // A child that exits before reading its stdin (nsenter into a sandbox that
  // is gone) makes the write fail with EPIPE: its exit status says what happened.
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(stdin ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout: '', stderr: String(e) });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `command` in a new sandbox in `outer` and waits until `ready`
 * (default: the command has replaced the scripts, i.e. the mounts are made).
 */
export async function startSandbox(t: Test, outer: string, dir: string, command: string[], options: { containerd?: boolean; ready?: () => boolean; log?: string; stopOnTeardown?: boolean } = {}): Promise<Sandbox> {
  const logFd = openSync(options.log ?? '/dev/null', 'a');
  const child = spawn('nsenter', [`--net=/run/netns/${outer}`, SANDBOX, ...(options.containerd ? ['--containerd'] : []), dir, ...command], { stdio: ['ignore', logFd, logFd], cwd: ROOT });
  closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => { gone = true; });
  const pid = child.pid!;
  const stop = async () => {
    if (gone) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };
  if (options.stopOnTeardown !== false) t.teardown(stop);
  const want = basename(command[0]!);
  const ready = options.ready ?? (() => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === want.slice(0, 15);
    } catch {
      return false;
    }
  });
  for (let waited = 0; !ready(); waited += 20) {
    if (gone) throw new Error(`the sandbox for ${command.join(' ')} exited before it was ready${options.log ? ` (log: ${readFileSync(options.log, 'utf8').slice(-2000)})` : ''}`);
    if (waited > 20_000) throw new Error(`the sandbox for ${command.join(' ')} was not ready after 20 s`);
    await sleep(20);
  }
  return {
    dir,
    pid,
    exec(argv, { env, stdin, timeoutMs = 30_000 } = {}) {
      const c = spawn('nsenter', ['-t', String(pid), '-m', '-n', ...argv], { cwd: ROOT, env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
      return collect(c, stdin, timeoutMs);
    },
    stop,
  };
}

/** Pids of processes whose command line mentions `needle` (the shims of a containerd whose paths are in a temp dir). */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Removes the cgroups runc made for a ctr namespace (cgroup v1 hierarchies and v2), innermost first. */
function removeCgroups(namespace: string): void {
  const roots = ['/sys/fs/cgroup', ...(() => {
    try {
      return readdirSync('/sys/fs/cgroup').map((d) => join('/sys/fs/cgroup', d));
    } catch {
      return [];
    }
  })()];
  for (const root of roots) {
    const top = join(root, namespace);
    if (!existsSync(top)) continue;
    const remove = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) remove(join(dir, entry.name));
      try {
        for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
      } catch {
        // no such file or already empty
      }
      try {
        rmdirSync(dir);
      } catch {
        // busy: a process still dying; nothing more to do without waiting
      }
    };
    remove(top);
  }
}

/** A private containerd daemon and the ctr client for it. */
export interface Containerd {
  readonly sandbox: Sandbox;
  /** The sandbox directory: net.d and bin are /etc/cni/net.d and /opt/cni/bin for ctr. */
  readonly dir: string;
  /** The ctr namespace (also the cgroup parent of its containers). */
  readonly namespace: string;
  /** ctr ARGS against this daemon, inside its sandbox. */
  ctr(args: string[], options?: { env?: Record<string, string>; timeoutMs?: number }): Promise<Ran>;
  /** Starts ctr ARGS without waiting for it (a container that runs until killed); resolves its result when it exits. */
  ctrBackground(args: string[], options?: { env?: Record<string, string>; onStdout?: (text: string) => void }): { done: Promise<Ran> };
}

/**
 * Starts containerd in a sandbox in `outer`: its own root, state, socket and
 * /run/containerd in a temp dir, the CRI plugin off (it would read the CNI
 * directories on its own). On teardown: every task killed, every container
 * removed, the daemon stopped, leftover shims killed, the cgroups removed.
 */
export async function startContainerd(t: Test, outer: string): Promise<Containerd> {
  const dir = tempDir(t, 'containerd');
  const namespace = `nlkt-ctr-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const socket = join(dir, 'containerd.sock');
  const config = join(dir, 'config.toml');
  writeFileSync(config, [
    'version = 2',
    `root = "${dir}/root"`,
    `state = "${dir}/state"`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]',
    `  address = "${socket}"`,
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = "${dir}/opt"`,
    '',
  ].join('\n'));
  let sandbox: Sandbox | undefined;
  const ctr = (args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}) =>
    sandbox!.exec(['ctr', '--address', socket, '--namespace', namespace, ...args], options);
  // Before the daemon starts: a daemon that never got ready is found by its command line (which names `dir`).
  t.teardown(async () => {
    if (sandbox !== undefined && existsSync(socket)) {
      const tasks = (await ctr(['tasks', 'ls', '-q'], { timeoutMs: 10_000 })).stdout.split('\n').filter(Boolean);
      for (const id of tasks) await ctr(['tasks', 'kill', '-a', '-s', 'SIGKILL', id], { timeoutMs: 10_000 });
      for (const id of tasks) await ctr(['tasks', 'rm', '-f', id], { timeoutMs: 10_000 });
      const containers = (await ctr(['containers', 'ls', '-q'], { timeoutMs: 10_000 })).stdout.split('\n').filter(Boolean);
      if (containers.length > 0) await ctr(['containers', 'rm', ...containers], { timeoutMs: 10_000 });
      await sandbox.stop();
    }
    for (const pid of processesMentioning(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    removeCgroups(namespace);
  });
  sandbox = await startSandbox(t, outer, dir, ['containerd', '--config', config], { containerd: true, ready: () => existsSync(socket), log: join(dir, 'containerd.log'), stopOnTeardown: false });
  return {
    sandbox,
    dir,
    namespace,
    ctr,
    ctrBackground(args, { env, onStdout } = {}) {
      const child = spawn('nsenter', ['-t', String(sandbox!.pid), '-m', '-n', 'ctr', '--address', socket, '--namespace', namespace, ...args], {
        cwd: ROOT, env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...env }, stdio: ['pipe', 'pipe', 'pipe'],
      });
      if (onStdout) child.stdout.on('data', (c: Buffer) => onStdout(c.toString('utf8')));
      return { done: collect(child, undefined, 120_000) };
    },
  };
}

/** Builds the busybox image (scripts/build-busybox-image.sh) into `dir` and imports it; returns its name. */
export async function importBusybox(containerd: Containerd, name = 'docker.io/library/nlkit-busybox:latest'): Promise<string> {
  const archive = join(containerd.dir, 'busybox.tar');
  const built = await collect(spawn(join(ROOT, 'scripts/build-busybox-image.sh'), [archive, name], { stdio: ['pipe', 'pipe', 'pipe'] }), undefined, 60_000);
  if (built.code !== 0) throw new Error(`build-busybox-image.sh failed: ${built.stderr}`);
  const imported = await containerd.ctr(['image', 'import', archive]);
  if (imported.code !== 0) throw new Error(`ctr image import failed: ${imported.stderr}`);
  return name;
}
