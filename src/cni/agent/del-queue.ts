// The durable DEL queue: when no agent answers and no Node.js can run the
// plugin standalone (a Kubernetes node that has only the plugin files, the
// agent running in a container), the client writes the DEL request into this
// directory (fsync'd, atomically renamed into place) and reports success, as
// the runtime needs; the agent replays the queue when it starts, before it
// serves calls, and looks again every rescan interval. A queued file holds
// exactly what the client would have sent over the socket (protocol.ts).
import { lstatSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAnswer, parseRequest, type AgentRequest } from './protocol.js';

/** Where the clients queue DELs and the daemon replays them from, unless NLKIT_CNI_DEL_QUEUE says otherwise. */
export const DEFAULT_DEL_QUEUE = '/var/lib/nlkit/cni/del-queue';

/** The variable that overrides the queue directory, for the clients and the daemon. */
export const DEL_QUEUE_VARIABLE = 'NLKIT_CNI_DEL_QUEUE';

/** A queued request's file name: `del-<unix ms>-<pid>-<random>.req`; the client writes `.tmp-…` first. */
export const QUEUED_FILE = /^del-\d+-\d+-[0-9a-f]+\.req$/;

/** What a replay did. */
export interface ReplayOutcome {
  replayed: number;
  /** Requests that failed or were not DELs, renamed `<name>.failed` and kept for an operator. */
  failed: number;
}

/**
 * Why the directory must not be trusted (anyone but this process's user may
 * write into it, or it is not a directory), else undefined. A queued request
 * is run as root: only root may have put it there.
 */
export function untrustedQueue(dir: string): string | undefined {
  const st = lstatSync(dir);
  if (!st.isDirectory()) return `${dir} is not a directory`;
  const uid = process.getuid?.() ?? 0;
  if (st.uid !== uid) return `${dir} belongs to uid ${st.uid}, not ${uid}`;
  if ((st.mode & 0o022) !== 0) return `${dir} is writable by group or others (mode ${(st.mode & 0o777).toString(8)})`;
  return undefined;
}

/**
 * Runs every queued DEL, oldest first, through `run` (the agent's own call
 * path, network locks included) and removes each one answered with exit 0.
 * A missing directory is an empty queue.
 */
export async function replayDelQueue(dir: string, run: (request: AgentRequest) => Promise<Buffer>, log: (message: string) => void): Promise<ReplayOutcome> {
  const outcome: ReplayOutcome = { replayed: 0, failed: 0 };
  let names: string[];
  try {
    const refused = untrustedQueue(dir);
    if (refused !== undefined) {
      log(`DEL queue not replayed: ${refused}`);
      return outcome;
    }
    names = readdirSync(dir).filter((name) => QUEUED_FILE.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log(`DEL queue not replayed: ${(error as Error).message}`);
    return outcome;
  }
  for (const name of names) {
    const path = join(dir, name);
    const fail = (why: string): void => {
      outcome.failed++;
      log(`queued ${name}: ${why}; kept as ${name}.failed`);
      try {
        renameSync(path, `${path}.failed`);
      } catch {
        // removed meanwhile
      }
    };
    let bytes: Buffer;
    try {
      const st = lstatSync(path);
      if (!st.isFile() || st.uid !== (process.getuid?.() ?? 0)) {
        fail('not a regular file of this user');
        continue;
      }
      bytes = readFileSync(path);
    } catch {
      continue; // replayed by another agent meanwhile
    }
    const parsed = parseRequest(bytes, true);
    if (parsed.state !== 'complete') {
      fail(parsed.state === 'malformed' ? parsed.error.message : 'incomplete');
      continue;
    }
    if (parsed.request.env.CNI_COMMAND !== 'DEL') {
      fail(`CNI_COMMAND is ${JSON.stringify(parsed.request.env.CNI_COMMAND)}, only DEL is queued`);
      continue;
    }
    const answer = decodeAnswer(await run(parsed.request));
    if (answer?.exitCode !== 0) {
      fail(`DEL failed: ${answer?.stdout.trim() ?? 'no answer'}`);
      continue;
    }
    try {
      unlinkSync(path);
    } catch {
      // removed meanwhile
    }
    outcome.replayed++;
    log(`queued ${name}: DEL ${parsed.request.env.CNI_CONTAINERID ?? ''} replayed`);
  }
  return outcome;
}
