// What one nlkit command line runs with: its global options, where it writes,
// and the route connections it opened (one per namespace, kept for a whole
// batch file so its commands share sockets, also across its `-n` lines).
import type { RouteConnection, RouteContext } from '../route/index.js';
import type { openRouteSocket } from './route-socket.js';

/** Where the command writes; the process's streams, or buffers in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The whole of standard input (for `-batch -`). */
  readStdin?(): string;
  /** Stops a long-running command (`monitor`); the process's SIGINT/SIGTERM when absent. */
  signal?: AbortSignal;
}

/** ip's global options (`ip -n NS -j -p -d -s -4 ...`). */
export interface GlobalOptions {
  netns?: string;
  json: boolean;
  pretty: boolean;
  details: number;
  stats: number;
  oneline: boolean;
  /** `-4`, `-6`, `-f inet|inet6|link|bridge|mpls`; 0 = unspecified. */
  family: 0 | 4 | 6 | 'link' | 'bridge' | 'mpls';
  force: boolean;
  batch?: string;
  all: boolean;
  numeric: boolean;
  /** `-br`: one line per link (`link show`, `addr show`). */
  brief: boolean;
  /** `-h`, `-iec`: `-s` text counters scaled by 1000 or 1024. */
  human: number;
  iec: number;
}

export function defaultOptions(): GlobalOptions {
  return { json: false, pretty: false, details: 0, stats: 0, oneline: false, family: 0, force: false, all: false, numeric: false, brief: false, human: 0, iec: 0 };
}

// Loaded on demand (one module graph per process, whichever context loaded them).
let loadedOpenSocket: typeof openRouteSocket | undefined;
let loadedConnection: typeof RouteConnection | undefined;

/** The sockets and connections of one command line, by namespace name ('' for the current one); shared by the contexts of one batch. */
interface Connections {
  sockets: Map<string, RouteContext>;
  routes: Map<string, RouteConnection>;
}

export class CliContext {
  private readonly connections: Connections;

  constructor(readonly options: GlobalOptions, readonly io: CliIo, shared?: CliContext) {
    this.connections = shared?.connections ?? { sockets: new Map(), routes: new Map() };
  }

  /** Loads what opening an rtnetlink socket takes (koffi, the netlink and namespace code), not the route barrel. */
  async loadSocket(): Promise<void> {
    loadedOpenSocket ??= (await import('./route-socket.js')).openRouteSocket;
  }

  /**
   * Loads the rtnetlink modules (a few hundred ms: every link kind, tc, fdb
   * come with the barrel); awaited before a command that talks rtnetlink,
   * never for -V, help or `netns add|del` (start-up).
   */
  async load(): Promise<void> {
    await this.loadSocket();
    loadedConnection ??= (await import('../route/index.js')).RouteConnection;
  }

  /** The same command line in namespace `netns` (a batch line's `-n NAME`), sharing this context's connections. */
  inNetns(netns: string): CliContext {
    return new CliContext({ ...this.options, netns }, this.io, this);
  }

  /** The rtnetlink socket in the namespace `-n` names (the current one otherwise) and its label, opened on first use; rt() is built on it. */
  routeContext(): RouteContext {
    if (!loadedOpenSocket) throw new Error('CliContext.loadSocket() was not awaited');
    const key = this.options.netns ?? '';
    let connection = this.connections.sockets.get(key);
    if (!connection) {
      connection = loadedOpenSocket(this.options.netns);
      this.connections.sockets.set(key, connection);
    }
    return connection;
  }

  /** The rtnetlink connection in the namespace `-n` names (the current one otherwise), opened on first use. */
  rt(): RouteConnection {
    if (!loadedConnection) throw new Error('CliContext.load() was not awaited');
    const key = this.options.netns ?? '';
    let route = this.connections.routes.get(key);
    if (!route) {
      const { socket, label } = this.routeContext();
      route = new loadedConnection(socket, label);
      this.connections.routes.set(key, route);
    }
    return route;
  }

  /**
   * Closes the socket into namespace `netns`, if one is open: a socket
   * keeps its namespace alive, so `netns del` in a batch would otherwise not
   * take the namespace's devices with it until the process ends.
   */
  release(netns: string): void {
    this.connections.sockets.get(netns)?.socket.close();
    this.connections.sockets.delete(netns);
    this.connections.routes.delete(netns);
  }

  /** The address family `-4`/`-6` asked for, or undefined. */
  ipFamily(): 4 | 6 | undefined {
    return this.options.family === 4 || this.options.family === 6 ? this.options.family : undefined;
  }

  out(text: string): void {
    this.io.stdout(text);
  }

  close(): void {
    for (const { socket } of this.connections.sockets.values()) socket.close();
    this.connections.sockets.clear();
    this.connections.routes.clear();
  }
}
