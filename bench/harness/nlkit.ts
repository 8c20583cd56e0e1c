// nlkit's rtnetlink and nftables APIs, loaded on demand so a scenario whose
// API is not built yet reports why instead of breaking the whole suite.
import type { RouteConnection } from '../../src/route/connection.js';
import type { NamespacedSocketOptions } from '../../src/netns/socket.js';

export type OpenRoute = (options?: NamespacedSocketOptions) => RouteConnection;

export type Loaded<T> = { api: T; unavailable?: undefined } | { api?: undefined; unavailable: string };

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!;
}

let route: Promise<Loaded<OpenRoute>> | undefined;

/** `openRoute` from src/route/connection.ts, or why it cannot be loaded (link/address/route services missing). */
export function loadRouteApi(): Promise<Loaded<OpenRoute>> {
  route ??= import('../../src/route/connection.js').then(
    (m): Loaded<OpenRoute> => ({ api: m.openRoute }),
    (error): Loaded<OpenRoute> => ({ unavailable: `rtnetlink services not available: ${reason(error)}` }),
  );
  return route;
}

export type NftablesApi = typeof import('../../src/nftables/index.js');

/** The nftables module's exports, or why they cannot be loaded. */
export async function loadNftablesApi(): Promise<Loaded<NftablesApi>> {
  try {
    return { api: await import('../../src/nftables/index.js') };
  } catch (error) {
    return { unavailable: `nftables API not available: ${reason(error)}` };
  }
}
