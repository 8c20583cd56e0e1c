// What one nlkit command line runs with: its global options, where it writes,
// and the route connections it opened (one per namespace, kept for a whole
// batch file so its commands share sockets).
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
}

export function defaultOptions(): GlobalOptions {
  return { json: false, pretty: false, details: 0, stats: 0, oneline: false, family: 0, force: false, all: false, numeric: false };
}

export class CliContext {
  private route: RouteConnection | undefined;
  private openRoute: typeof openRoute | undefined;

  constructor(readonly options: GlobalOptions, readonly io: CliIo) {}

  /** Loads the rtnetlink modules; called before a command runs, never for -V or help (start-up). */
  async load(): Promise<void> {
    this.openRoute ??= (await import('../route/index.js')).openRoute;
  }

  /** The rtnetlink connection in the namespace `-n` names (the current one otherwise), opened on first use. */
  rt(): RouteConnection {
    if (!this.openRoute) throw new Error('CliContext.load() was not awaited');
    this.route ??= this.openRoute(this.options.netns === undefined ? {} : { netns: this.options.netns });
    return this.route;
  }

  /** The address family `-4`/`-6` asked for, or undefined. */
  ipFamily(): 4 | 6 | undefined {
    return this.options.family === 4 || this.options.family === 6 ? this.options.family : undefined;
  }

  out(text: string): void {
    this.io.stdout(text);
  }

  close(): void {
    this.route?.close();
    this.route = undefined;
  }
}
