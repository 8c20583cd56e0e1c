// `-br addr show label PATTERN` and its neighbours: under `label` ip's
// print_linkinfo prints nothing of the link, so each link the address filter
// kept is a line of its selected addresses alone, an empty line when it has
// none (a link without addresses); under -0 nothing at all, and -br -0 is the
// link-layer brief line. ip and nlkit on one namespace, byte for byte.
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

/** Links that stay down (their state cannot move between the two reads): addresses with and without labels, one link with none. */
const SETUP = [
  'link add v1 address 02:00:00:00:01:01 type veth peer name p1 address 02:00:00:00:01:02',
  'link add br0 address 02:00:00:00:02:01 type bridge',
  'link add fb0 address 02:00:00:00:03:01 type ifb',
  'addr add 10.1.0.1/24 dev v1 label v1:a',
  'addr add 10.1.0.2/24 dev v1',
  'addr add 10.2.0.1/24 metric 5 dev p1 label p1:x',
  'addr add 10.3.0.1 peer 10.3.0.2/32 dev br0',
  'addr add fd00:1::1/64 dev v1 nodad',
  'link set v1 master br0',
];

const PATTERNS = ['v*', 'v1', 'p1:x', 'zz', '[vb]*', '*', 'v1:?', 'br0'];
const OPTIONS = [['-br'], ['-br', '-4'], ['-br', '-6'], ['-br', '-o'], ['-br', '-j'], ['-br', '-j', '-p'], ['-br', '-0'], ['-br', '-j', '-0'], ['-0'], ['-j', '-0'], ['-o'], ['-br', '-s']];
const MORE = [
  ['-br', 'addr', 'show', 'label', 'v*', 'up'], ['-br', '-j', 'addr', 'show', 'label', 'v*', 'up'], ['-br', 'addr', 'show', 'label', 'v*', 'type', 'veth'],
  ['-br', 'addr', 'show', 'dev', 'v1', 'label', 'v1'], ['-br', 'addr', 'show', 'master', 'br0', 'label', '*'], ['-br', '-j', 'addr', 'show', 'group', '0', 'label', 'p*'],
  ['-br', 'addr', 'show', 'label', 'v*', 'scope', 'host'], ['-br', '-0', 'addr', 'show'], ['-br', '-j', '-0', 'addr', 'show', 'up'], ['-br', 'addr', 'show'],
  ['-br', '-j', 'addr', 'show', 'up'], ['-br', '-6', 'addr', 'show'],
];

t.test('-br addr show label: ip\'s lines, byte for byte', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'r3label') as [string];
  for (const line of SETUP) ipOut('-n', ns, ...line.split(' '));
  const forms = [...OPTIONS.flatMap((o) => PATTERNS.map((p) => [...o, 'addr', 'show', 'label', p])), ...MORE];
  for (const form of forms) {
    const theirs = ipRun(['-n', ns, ...form]);
    const mine = await nlkit(['-n', ns, ...form]);
    t.same(mine, theirs, form.join(' '));
  }
  // The lines this is about: kept links without a selected address print as empty lines.
  t.equal(ipRun(['-n', ns, '-br', 'addr', 'show', 'label', 'zz']).stdout, '\n\n', 'lo (down) and fb0 have no address: an empty line each');
  t.equal((await nlkit(['-n', ns, '-br', 'addr', 'show', 'label', 'v*'])).stdout, '\n10.1.0.1/24 10.1.0.2/24 fd00:1::1/64 \n\n', 'lo, v1\'s addresses, fb0');
});
