// addrs: many IPv4 addresses on one link: add, dump, delete.
import type { RouteConnection } from '../../src/route/connection.js';
import { measure } from '../harness/measure.js';
import { withBenchNamespaces } from '../harness/namespaces.js';
import { loadRouteApi } from '../harness/nlkit.js';
import type { Scenario, ScenarioContext, ScenarioRow } from '../harness/scenario.js';
import { ipBatch, ipJsonIn } from '../harness/tools.js';
import { bulkImplementations, bulkMetrics, bulkNotes, bulkRatioPairs, countMatching, type BulkDefinition } from './bulk.js';

type AddressSpec = Parameters<RouteConnection['addr']['add']>[0];

const LINK = 'a0';
/** Our addresses are /32s from 10.100.0.0 upwards. */
const OURS = '10.1';

export function addressOf(i: number): string {
  return `10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
}

export function addressesDefinition(netns: string, linkIndex: number, count: number, forks: number): BulkDefinition<AddressSpec> {
  return {
    noun: 'addresses',
    netns,
    count,
    forks,
    spec: (i) => ({ dev: linkIndex, address: `${addressOf(i)}/32` }),
    ipAdd: (i) => `addr add ${addressOf(i)}/32 dev ${LINK}`,
    ipDelete: (i) => `addr del ${addressOf(i)}/32 dev ${LINK}`,
    ipShow: ['addr', 'show', 'dev', LINK],
    countText: (text) => countMatching(text, `inet ${OURS}`),
    countJson: (json) => (json as { addr_info: { local: string }[] }[])[0]!.addr_info.filter((a) => a.local.startsWith(OURS)).length,
    nlkit: {
      addMany: (rt, specs) => rt.addr.addMany(specs),
      add: (rt, spec) => rt.addr.add(spec),
      deleteMany: (rt, specs) => rt.addr.deleteMany(specs),
      delete: (rt, spec) => rt.addr.delete(spec),
      dump(rt, verify) {
        const addresses = rt.addr.list({ dev: linkIndex, family: 4 });
        const first = addresses.find((a) => a.address === addressOf(0));
        verify.check(first?.prefixLength === 32 && first.index === linkIndex, `decoded address ${addressOf(0)}/32: ${JSON.stringify(first)}`);
        return addresses.filter((a) => a.address.startsWith(OURS)).length;
      },
    },
  };
}

export const addrs: Scenario = {
  name: 'addrs',
  title: 'add, dump and delete IPv4 addresses on one link',
  async run(ctx: ScenarioContext): Promise<ScenarioRow[]> {
    const count = ctx.quick ? 2_000 : 5_000;
    const forks = ctx.quick ? 100 : 300;
    const route = await loadRouteApi();
    return withBenchNamespaces(['addrs'], ([netns]) => {
      ipBatch([`link add ${LINK} type veth peer name a1`, `link set ${LINK} up`, 'link set a1 up'], netns);
      const linkIndex = ipJsonIn<{ ifindex: number }[]>(netns, 'link', 'show', LINK)[0]!.ifindex;
      const def = addressesDefinition(netns, linkIndex, count, forks);
      const implementations = bulkImplementations(def, route);
      return measure(ctx, { scenario: 'addrs', metrics: bulkMetrics('addresses'), implementations, notes: bulkNotes(def), ratioPairs: bulkRatioPairs(implementations) });
    });
  },
};
