// Builds a small routed setup in a throwaway namespace and prints it as `ip -j -d` would:
// a veth pair with addresses, routes in table main and in table 100, and a policy rule
// that sends traffic from one source address to table 100. Everything is removed in `finally`.
//
// Run it as root from a clone with `node --import=tsx examples/routing.ts`
// (docs: docs/addresses.md, docs/routes.md, docs/neighbours-and-rules.md).
import {
  addressesToIpJson, createNetns, deleteNetns, openRoute, routeTableName, routeToIpJson, rulesToIpJson,
} from 'nlkit';

const NETNS = 'example-routing';

createNetns(NETNS);                                   // ip netns add example-routing
const rt = openRoute({ netns: NETNS });               // an rtnetlink socket inside it
try {
  // ip link add v0 type veth peer name v1; ip link set v0 up; ip link set v1 up
  rt.link.add({ name: 'v0', type: 'veth', peer: { name: 'v1' }, up: true });
  rt.link.set('v1', { up: true });
  rt.link.set('lo', { up: true });

  // Two addresses on v0; the kernel adds the prefix routes 10.0.0.0/24 and 10.1.0.0/24.
  rt.addr.add({ dev: 'v0', address: '10.0.0.2/24' });
  rt.addr.add({ dev: 'v0', address: '10.1.0.2/24' });
  rt.addr.add({ dev: 'v0', address: 'fd00::2/64', flags: { nodad: true } });

  // Table main: a default route, a static route with a metric, a blackhole.
  rt.route.add({ dst: 'default', gateway: '10.0.0.1' });
  rt.route.add({ dst: '10.20.0.0/16', gateway: '10.0.0.1', metric: 20, protocol: 'static' });
  rt.route.add({ dst: '10.99.0.0/16', type: 'blackhole' });
  rt.route.add({ dst: 'default', gateway: 'fd00::1' });

  // Table 100: its own connected route and default route, used only through the rule below.
  rt.route.add({ dst: '10.1.0.0/24', dev: 'v0', src: '10.1.0.2', table: 100 });
  rt.route.add({ dst: 'default', gateway: '10.1.0.1', table: 100, metrics: { mtu: 1400 } });

  // ip rule add pref 1000 from 10.1.0.2 lookup 100
  rt.rule.add({ priority: 1000, from: '10.1.0.2', table: 100 });

  const links = rt.link.list();
  const names = new Map(links.map((l) => [l.index, l.name]));

  console.log('# ip -j -d addr show dev v0');
  const v0 = links.filter((l) => l.name === 'v0');
  for (const entry of addressesToIpJson(v0, rt.addr.list({ dev: 'v0' }), { directory: links })) {
    console.log(JSON.stringify(entry));
  }

  console.log('# ip -j -d route show table all');
  for (const route of rt.route.list({ table: 'all' })) {
    if (routeTableName(route.table) === 'local') continue;   // leave out the kernel's local/broadcast routes
    console.log(JSON.stringify(routeToIpJson(route, names, { showTable: true })));
  }

  console.log('# ip -j -d rule show');
  for (const rule of rulesToIpJson(rt.rule.list({ family: 4 }))) console.log(JSON.stringify(rule));

  console.log('# ip -j route get 198.51.100.7 [from 10.1.0.2]');
  for (const lookup of [{ to: '198.51.100.7' }, { to: '198.51.100.7', from: '10.1.0.2' }]) {
    console.log(JSON.stringify(routeToIpJson(rt.route.get(lookup), names, { details: false, showTable: true })));
  }

  // Explicit cleanup, in reverse order (deleting the namespace alone would also do).
  rt.rule.delete({ priority: 1000 });
  rt.route.deleteMany([
    { dst: 'default', table: 100 },
    { dst: '10.1.0.0/24', table: 100 },
    { dst: 'default', family: 6 },
    { dst: '10.99.0.0/16' },
    { dst: '10.20.0.0/16' },
    { dst: 'default' },
  ]);
  console.log('# left in table 100:', rt.route.list({ table: 100 }).length);
} finally {
  rt.close();
  deleteNetns(NETNS);   // removes v0, v1 and whatever is left with the namespace
}
