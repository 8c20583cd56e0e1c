// routes: add many IPv4 routes, dump them, delete them, per phase per second.
import type { RouteConnection } from '../../src/route/connection.js';
import { measure } from '../harness/measure.js';
import { withBenchNamespaces } from '../harness/namespaces.js';
import { loadRouteApi } from '../harness/nlkit.js';
import type { Scenario, ScenarioContext, ScenarioRow } from '../harness/scenario.js';
import { ipBatch } from '../harness/tools.js';
import { bulkImplementations, bulkMetrics, bulkNotes, bulkRatioPairs, countMatching, type BulkDefinition } from './bulk.js';

type RouteSpec = Parameters<RouteConnection['route']['add']>[0];

const GATEWAY = '10.9.0.2';
/** Our routes are /32s in 198.18.0.0/15 (benchmarking space, RFC 2544). */
const OURS = '198.1';

/** The i-th /32 of 198.18.0.0/15. */
export function routeDestination(i: number): string {
  return `198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
}

/** Gives `netns` a veth pair up with 10.9.0.1/24 on `rA`, so routes via 10.9.0.2 are valid. */
export function addRoutingLinks(netns: string): string {
  ipBatch(['link add rA type veth peer name rB', 'addr add 10.9.0.1/24 dev rA', 'link set rA up', 'link set rB up'], netns);
  return netns;
}

export function routesDefinition(netns: string, count: number, forks: number): BulkDefinition<RouteSpec> {
  return {
    noun: 'routes',
    netns,
    count,
    forks,
    spec: (i) => ({ dst: `${routeDestination(i)}/32`, gateway: GATEWAY }),
    ipAdd: (i) => `route add ${routeDestination(i)}/32 via ${GATEWAY}`,
    ipDelete: (i) => `route del ${routeDestination(i)}/32 via ${GATEWAY}`,
    ipShow: ['route', 'show'],
    countText: (text) => countMatching(text, OURS),
    countJson: (json) => (json as { dst: string }[]).filter((r) => r.dst.startsWith(OURS)).length,
    nlkit: {
      addMany: (rt, specs) => rt.route.addMany(specs),
      add: (rt, spec) => rt.route.add(spec),
      deleteMany: (rt, specs) => rt.route.deleteMany(specs),
      delete: (rt, spec) => rt.route.delete(spec),
      dump(rt, verify) {
        const routes = rt.route.list({ family: 4, table: 'main' });
        const first = routes.find((r) => r.dst === routeDestination(0));
        verify.check(first?.gateway === GATEWAY && first.dstLength === 32, `decoded route ${routeDestination(0)}/32: ${JSON.stringify(first)}`);
        return routes.filter((r) => r.dst?.startsWith(OURS)).length;
      },
    },
  };
}

export const routes: Scenario = {
  name: 'routes',
  title: 'add, dump and delete IPv4 routes (/32 via a gateway, table main)',
  async run(ctx: ScenarioContext): Promise<ScenarioRow[]> {
    const count = 20_000;
    const forks = ctx.quick ? 100 : 300;
    const route = await loadRouteApi();
    return withBenchNamespaces(['routes'], ([netns]) => {
      const def = routesDefinition(addRoutingLinks(netns), count, forks);
      const implementations = bulkImplementations(def, route);
      return measure(ctx, { scenario: 'routes', metrics: bulkMetrics('routes'), implementations, notes: bulkNotes(def), ratioPairs: bulkRatioPairs(implementations) });
    });
  },
};
