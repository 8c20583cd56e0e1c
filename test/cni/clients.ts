// The two plugin clients the runtime may start, C and Perl, written into a
// test's temp dir: tests that drive the agent through a client run once per
// kind, so each behaviour is proven of both.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Test } from 'tap';
import { buildCClient } from '../helpers/c-client.js';
import { perlClientScript, type ClientScriptOptions } from '../../src/cni/agent/client-script.js';

export type ClientKind = 'c' | 'perl';

function compilerWorks(): boolean {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const HAS_CC = compilerWorks();

/** Every client kind this machine can build: both, unless it has no C compiler (then only Perl; client.test.ts fails on it). */
export const CLIENT_KINDS: readonly ClientKind[] = HAS_CC ? ['c', 'perl'] : ['perl'];

/** The kind `npm run build` writes on this machine. */
export const DEFAULT_CLIENT_KIND: ClientKind = HAS_CC ? 'c' : 'perl';

/** Writes the `kind` client for `options.plugin` at `path` (mode 0755). */
export function writeClient(kind: ClientKind, path: string, options: ClientScriptOptions): string {
  if (kind === 'c') {
    buildCClient({ ...options, output: path });
  } else {
    writeFileSync(path, perlClientScript(options));
    chmodSync(path, 0o755);
  }
  return path;
}

/** Runs `body` as one subtest per client kind, named after it. */
export function perClient(t: Test, name: string, body: (t: Test, kind: ClientKind) => Promise<void>): void {
  for (const kind of CLIENT_KINDS) void t.test(`[${kind} client] ${name}`, (t) => body(t, kind));
}

/** How a fake agent treats a connection. */
export type FakeAgentBehaviour =
  | { answer: Buffer | string } // after the whole request: these bytes, then close
  | { dribble: Buffer | string } // after the whole request: these bytes one write (and one turn) each, then close
  | { partialAnswer: string } // after the whole request: these bytes, then close 20 ms later, the answer cut short
  | { close: true } // on the first bytes: close without answering
  | { closeAtOnce: true } // on connecting: close before reading anything
  | { silent: true } // read everything, never answer
  | { deaf: true }; // accept, never read

/** A unix socket server at `socketPath` playing the agent; the requests it read whole, in order. */
export async function fakeAgent(t: Test, socketPath: string, behaviour: FakeAgentBehaviour): Promise<Buffer[]> {
  mkdirSync(join(socketPath, '..'), { recursive: true, mode: 0o700 });
  const requests: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if ('closeAtOnce' in behaviour) {
      socket.destroy();
      return;
    }
    if ('deaf' in behaviour) {
      socket.pause();
      return;
    }
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => {
      if ('close' in behaviour) socket.destroy();
      chunks.push(c);
    });
    socket.on('end', async () => {
      requests.push(Buffer.concat(chunks));
      if ('answer' in behaviour) {
        socket.end(behaviour.answer);
      } else if ('partialAnswer' in behaviour) {
        socket.write(behaviour.partialAnswer);
        // A unix socket has no reset: closed with the answer short.
        setTimeout(() => socket.destroy(), 20);
      } else if ('dribble' in behaviour) {
        // One byte per write, each in its own turn: the client must reassemble them.
        for (const byte of Buffer.from(behaviour.dribble)) {
          if (socket.destroyed) return;
          socket.write(Buffer.from([byte]));
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        socket.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  t.teardown(() => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  }));
  return requests;
}
