// What one nlkit command line runs with: its global options, where it writes,
// and the route connections it opened (one per namespace, kept for a whole
// batch file so its commands share sockets, also across its `-n` lines).
import type { openRoute, RouteConnection } from '../route/index.js';

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

/** openRoute, once the route barrel is loaded (one module graph per process, whichever context loaded it). */
let loadedOpenRoute: typeof openRoute | undefined;

export class CliContext {
  /** Open connections by namespace name ('' for the current one); shared by the contexts of one batch. */
  private readonly routes: Map<string, RouteConnection>;

  constructor(readonly options: GlobalOptions, readonly io: CliIo, shared?: CliContext) {
    this.routes = shared?.routes ?? new Map();
  }

  /**
   * Loads the rtnetlink modules (a few hundred ms: every link kind, tc, fdb
   * come with the barrel); awaited before a command that talks rtnetlink,
   * never for -V, help or `netns add|del` (start-up).
   */
  async load(): Promise<void> {
    loadedOpenRoute ??= (await import('../route/index.js')).openRoute;
  }

  /** The same command line in namespace `netns` (a batch line's `-n NAME`), sharing this context's connections. */
  inNetns(netns: string): CliContext {
    return new CliContext({ ...this.options, netns }, this.io, this);
  }

  /** The rtnetlink connection in the namespace `-n` names (the current one otherwise), opened on first use. */
  rt(): RouteConnection {
    if (!loadedOpenRoute) throw new Error('CliContext.load() was not awaited');
    const key = this.options.netns ?? '';
    let route = this.routes.get(key);
    if (!route) {
      route = loadedOpenRoute(this.options.netns === undefined ? {} : { netns: this.options.netns });
      this.routes.set(key, route);
    }
    return route;
  }

  /**
   * Closes the connection into namespace `netns`, if one is open: a socket
   * keeps its namespace alive, so `netns del` in a batch would otherwise not
   * take the namespace's devices with it until the process ends.
   */
  release(netns: string): void {
    this.routes.get(netns)?.close();
    this.routes.delete(netns);
  }

  /** The address family `-4`/`-6` asked for, or undefined. */
  ipFamily(): 4 | 6 | undefined {
    return this.options.family === 4 || this.options.family === 6 ? this.options.family : undefined;
  }

  out(text: string): void {
    this.io.stdout(text);
  }

  close(): void {
    for (const route of this.routes.values()) route.close();
    this.routes.clear();
  }
}
