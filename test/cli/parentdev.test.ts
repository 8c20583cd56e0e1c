// `parentdev NAME` (IFLA_PARENT_DEV_NAME): the kernel reads it only when it
// creates a wwan link, and the kinds this kernel creates ignore it, on add
// and on set. ip in one namespace, nlkit in its twin: the same links after
// each step, the same exit status, and the same refusal of a missing argument.
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskLinkJson } from '../helpers/volatile.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

const STEPS = [
  'link add b0 address 02:00:00:00:00:30 parentdev 0000:03:00.0 type bridge',
  'link add v0 address 02:00:00:00:00:31 parentdev foo type veth peer name v1 address 02:00:00:00:00:32',
  'link add link v0 name m0 address 02:00:00:00:00:33 parentdev foo type macvlan mode bridge',
  'link set v0 parentdev bar mtu 1400',
  'link set v1 parentdev bar',
];

function links(ns: string): unknown {
  const all = maskLinkJson(JSON.parse(ipOut('-n', ns, '-j', '-d', 'link', 'show'))) as Record<string, any>[];
  for (const l of all) {
    const data = l.linkinfo?.info_data;
    if (data) for (const k of ['hello_timer', 'tcn_timer', 'topology_change_timer', 'gc_timer']) delete data[k];
  }
  return all;
}

t.test('parentdev on kinds that ignore it: ip and nlkit leave the same links', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'parentdev');
  for (const step of STEPS) {
    const ip = ipRun(['-n', a!, ...step.split(' ')]);
    const mine = await nlkit(['-n', b!, ...step.split(' ')]);
    t.same([mine.status, mine.stderr], [ip.status, ip.stderr], `status and message of ${step}`);
    t.same(links(b!), links(a!), `same links after ${step}`);
  }
  t.match(ipOut('-n', a!, 'link', 'show', 'v0'), /mtu 1400/, 'the set with parentdev applied its other change');
  for (const line of ['link set v0 parentdev', 'link add x0 parentdev', 'link set nosuch parentdev foo']) {
    const ip = ipRun(['-n', a!, ...line.split(' ')]);
    const mine = await nlkit(['-n', b!, ...line.split(' ')]);
    t.not(ip.status, 0, `ip refuses ${line}`);
    t.same([mine.status, mine.stderr.replaceAll('nlkit', 'ip')], [ip.status, ip.stderr], `status and message of ${line}`);
  }
});
