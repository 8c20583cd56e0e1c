// `nlkit netns`: list, add, delete, set, list-id, identify, pids, exec, as `ip netns` has them.
//
// `exec` is the one place nlkit starts a process, and only the user's own
// command. It differs from `ip netns exec` in one way: ip forks, gives the
// child a new mount namespace, remounts /sys for the target namespace and
// bind-mounts /etc/netns/NAME/* over /etc. A Node process is multi-threaded,
// and unshare(CLONE_NEWNS) is refused to a thread that shares its filesystem
// context, so nlkit runs the command in the target network namespace with
// the caller's mounts: /sys/class/net shows the caller's devices and
// /etc/netns/NAME is not applied.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, watch } from 'node:fs';
import { createNetns, deleteNetns, nameNetns, openNetns, withNetns, type NetnsHandle } from '../../netns/index.js';
import { CliUsageError, matchKeyword, parseUnsigned } from '../args.js';
import type { CliContext } from '../context.js';
import { printList } from '../output.js';
import { netnsNames as names } from '../netns-names.js';
import { strerror } from '../strerror.js';

const RUN_DIR = '/run/netns';

function list(ctx: CliContext): number {
  const rt = ctx.rt();
  {
    const entries = names().map((name) => {
      let id: number | undefined;
      try {
        id = rt.nsid.get(name);
      } catch {
        id = undefined;
      }
      return id === undefined ? { name } : { name, id };
    });
    printList(ctx, entries, (e) => (e.id === undefined ? `${e.name}\n` : `${e.name} (id: ${e.id})\n`));
  }
  return 0;
}

function listIds(ctx: CliContext): number {
  const rt = ctx.rt();
  {
    const nameOf = new Map<number, string>();
    for (const name of names()) {
      try {
        const id = rt.nsid.get(name);
        if (id !== undefined && !nameOf.has(id)) nameOf.set(id, name);
      } catch {
        // a name whose mount vanished: ip skips it too
      }
    }
    const entries = rt.nsid.list().map((e) => {
      const name = nameOf.get(e.nsid);
      return name === undefined ? { nsid: e.nsid } : { nsid: e.nsid, name };
    });
    printList(ctx, entries, (e) => `nsid ${e.nsid} ${e.name !== undefined ? `(iproute2 netns name: ${e.name})` : ''}\n`);
  }
  return 0;
}

/** Whether two paths are the same namespace: nsfs files compare by device and inode, as ip compares them. */
function sameNamespace(a: string, b: { dev: number; ino: number }): boolean {
  try {
    const st = statSync(a);
    return st.dev === b.dev && st.ino === b.ino;
  } catch {
    return false;
  }
}

function identify(ctx: CliContext, pid: string | undefined): number {
  const target = statSync(`/proc/${pid ?? 'self'}/ns/net`);
  // ip prints the last matching name, or an empty line.
  const found = names().filter((name) => sameNamespace(`${RUN_DIR}/${name}`, target)).at(-1) ?? '';
  ctx.out(`${found}\n`);
  return 0;
}

function pids(ctx: CliContext, name: string): number {
  const target = statSync(`${RUN_DIR}/${name}`);
  const out: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (/^\d+$/.test(entry) && sameNamespace(`/proc/${entry}/ns/net`, target)) out.push(entry);
  }
  ctx.out(out.map((p) => `${p}\n`).join(''));
  return 0;
}

/** `ip netns attach NAME PID`: names the namespace of process PID, as `netns add` names a new one. */
function attach(name: string | undefined, pidWord: string | undefined): number {
  if (name === undefined || pidWord === undefined) throw new CliUsageError('No netns name and PID specified');
  if (!/^(-?\d+|0x[0-9a-f]+)$/i.test(pidWord) || Number(pidWord) === 0) throw new CliUsageError(`Invalid PID: ${pidWord}`);
  const path = `${RUN_DIR}/${name}`;
  if (existsSync(path)) throw new CliUsageError(`Cannot create namespace file "${path}": File exists`);
  const pid = Number(pidWord);
  let handle: NetnsHandle;
  try {
    handle = openNetns({ pid });
  } catch (error) {
    const errno = (error as { errno?: number }).errno;
    throw new CliUsageError(`Bind /proc/${pid}/ns/net -> ${path} failed: ${errno ? strerror(errno) : (error as Error).message}`);
  }
  try {
    nameNetns(name, handle.fd);
  } finally {
    handle.close();
  }
  return 0;
}

/** `ip -all netns delete`: every name under /run/netns, stopping at the first that fails (ip still exits 0). */
function deleteAll(ctx: CliContext): number {
  for (const name of names()) {
    ctx.release(name);
    try {
      deleteNetns(name);
    } catch (error) {
      ctx.io.stderr(`Cannot remove namespace file "${RUN_DIR}/${name}": ${strerror((error as { errno?: number }).errno ?? 0)}\n`);
      break;
    }
  }
  return 0;
}

/** `ip -all netns exec CMD...`: CMD in every named namespace in turn, each after a `netns: NAME` header; exits 0. */
function execAll(ctx: CliContext, args: string[]): number {
  const [command, ...rest] = args;
  if (command === undefined) throw new CliUsageError('No command specified');
  for (const name of names()) {
    ctx.out(`\nnetns: ${name}\n`);
    const result = withNetns(name, () => spawnSync(command, rest, { stdio: 'inherit' }));
    if (result.error) ctx.io.stderr(`exec of "${command}" failed: ${(result.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : result.error.message}\n`);
  }
  return 0;
}

/**
 * `ip netns monitor`: `add NAME` / `delete NAME` as names appear under and
 * leave /run/netns (inotify, through fs.watch), until interrupted or the
 * caller's abort signal fires. Each inotify event is a creation or a deletion
 * of its name, in turn, so a name's events toggle it.
 */
async function monitor(ctx: CliContext): Promise<number> {
  if (!existsSync(RUN_DIR)) mkdirSync(RUN_DIR, { recursive: true, mode: 0o755 });
  const watcher = watch(RUN_DIR);
  const known = new Set(names());
  const signal = ctx.io.signal;
  await new Promise<void>((resolve, reject) => {
    const stop = () => {
      watcher.close();
      signal?.removeEventListener('abort', stop);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    watcher.on('change', (_event, file) => {
      const name = String(file);
      if (known.delete(name)) ctx.out(`delete ${name}\n`);
      else {
        known.add(name);
        ctx.out(`add ${name}\n`);
      }
    });
    watcher.on('error', (error) => {
      stop();
      reject(error);
    });
    if (signal) {
      signal.addEventListener('abort', stop, { once: true });
      if (signal.aborted) stop();
    } else {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
  });
  return 0;
}

function exec(ctx: CliContext, args: string[]): number {
  const [name, command, ...rest] = args;
  if (name === undefined) throw new CliUsageError('No netns name specified');
  if (command === undefined) throw new CliUsageError('No command specified');
  const result = withNetns(name, () => spawnSync(command, rest, { stdio: 'inherit' }));
  if (result.error) {
    ctx.io.stderr(`exec of "${command}" failed: ${(result.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : result.error.message}\n`);
    return 255;
  }
  if (result.signal) return 128 + (({ SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[result.signal] ?? 1);
  return result.status ?? 0;
}

const COMMANDS = ['list', 'show', 'lst', 'list-id', 'help', 'add', 'set', 'delete', 'identify', 'pids', 'exec', 'monitor', 'attach'] as const;

/** Runs `netns ...`; only the commands that ask rtnetlink (nsids) load it, so `netns add|del` start fast. */
export async function runNetns(ctx: CliContext, args: string[]): Promise<number> {
  if (args.length === 0) {
    await ctx.load();
    return list(ctx);
  }
  const [word, ...rest] = args;
  const command = matchKeyword(word!, COMMANDS);
  if (command === 'list' || command === 'show' || command === 'lst' || command === 'list-id' || command === 'set') await ctx.load();
  switch (command) {
    case 'list': case 'show': case 'lst': return list(ctx);
    case 'list-id': return listIds(ctx);
    case 'add':
      if (rest[0] === undefined) throw new CliUsageError('No netns name specified');
      createNetns(rest[0]);
      return 0;
    case 'attach': return attach(rest[0], rest[1]);
    case 'monitor': return monitor(ctx);
    case 'delete':
      if (ctx.options.all) return deleteAll(ctx);
      if (rest[0] === undefined) throw new CliUsageError('No netns name specified');
      deleteNetns(rest[0]);
      return 0;
    case 'set': {
      const [name, id] = rest;
      if (name === undefined || id === undefined) throw new CliUsageError('No netns name specified');
      ctx.rt().nsid.set(name, id === 'auto' ? 'auto' : parseUnsigned(id, 'nsid', 0x7fffffff));
      return 0;
    }
    case 'identify': return identify(ctx, rest[0]);
    case 'pids':
      if (rest[0] === undefined) throw new CliUsageError('No netns name specified');
      return pids(ctx, rest[0]);
    case 'exec': return ctx.options.all ? execAll(ctx, rest) : exec(ctx, rest);
    case 'help':
      ctx.io.stderr('Usage: nlkit netns list\n       nlkit netns add NAME\n       nlkit netns attach NAME PID\n       nlkit netns set NAME NETNSID\n       nlkit [-all] netns delete [NAME]\n       nlkit netns identify [PID]\n       nlkit netns pids NAME\n       nlkit [-all] netns exec [NAME] cmd ...\n       nlkit netns monitor\n       nlkit netns list-id\n');
      return 255;
    default:
      throw new CliUsageError(`Command "${word}" is unknown, try "nlkit netns help".`, 255);
  }
}

