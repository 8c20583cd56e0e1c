// The route and address services that -batch's packed lines go through,
// built on the context's socket straight from their modules: a file of
// routes or addresses does not load the route barrel, whose code (every
// link kind, tc, fdb) is most of what the command compiles at start-up.
import type { NetlinkSocket } from '../netlink/index.js';
import { AddressService } from '../route/addresses/index.js';
import type { RouteContext } from '../route/index.js';
import { RouteService } from '../route/routes/index.js';
import type { CliContext } from './context.js';

/** What packed lines need of a namespace: its routes and addresses, and the socket (for the dump a delete run is undone from). */
export interface PackedServices {
  route: Pick<RouteService, 'addMany' | 'deleteMany'>;
  addr: Pick<AddressService, 'addMany' | 'deleteMany'>;
  socket: NetlinkSocket;
}

const built = new WeakMap<RouteContext, PackedServices>();

/** The services of `ctx`'s namespace (its socket opened on first use), built once per socket. */
export function packedServices(ctx: CliContext): PackedServices {
  const connection = ctx.routeContext();
  let services = built.get(connection);
  if (!services) {
    services = { route: new RouteService(connection), addr: new AddressService(connection), socket: connection.socket };
    built.set(connection, services);
  }
  return services;
}
