import t from 'tap';
import { execFileSync } from 'node:child_process';
import {
  createNetns, deleteNetns, listNetns, netnsExists, netnsInode, openNetns, openNetlinkSocket, withNetns,
  NetnsExistsError, NetnsNotFoundError, NetnsRestoreError,
} from '../../src/netns/index.js';
import { switchHooks } from '../../src/netns/switch.js';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { nlkitFds } from '../helpers/fds.js';
import { requireRoot, testNetns, uniqueNetnsName } from '../helpers/netns.js';

t.test('names are validated before touching the filesystem', async (t) => {
  for (const bad of ['', '.', '..', 'a/b', 'x y', 'x'.repeat(256), 'nul\0']) {
    t.throws(() => createNetns(bad), InvalidArgumentError, JSON.stringify(bad));
  }
  t.throws(() => createNetns(42 as unknown as string), /must be a string/);
  t.throws(() => openNetns({ pid: -1 }), /positive integer/);
});

t.test('create, list, open and delete agree with ip netns', async (t) => {
  if (!requireRoot(t)) return;
  const name = uniqueNetnsName('life');
  createNetns(name);
  t.teardown(() => { if (netnsExists(name)) deleteNetns(name); });
  t.ok(listNetns().includes(name), 'nlkit lists it');
  t.match(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }), new RegExp(`^${name}\\b`, 'm'), 'ip netns list sees it');
  t.throws(() => createNetns(name), NetnsExistsError);
  // ip netns exec runs inside it: a new namespace has only lo, down.
  const links = JSON.parse(execFileSync('ip', ['netns', 'exec', name, 'ip', '-j', 'link', 'show'], { encoding: 'utf8' }));
  t.same(links.map((l: { ifname: string }) => l.ifname), ['lo']);
  t.not(netnsInode(name), netnsInode('current'), 'a distinct namespace');
  deleteNetns(name);
  t.notOk(listNetns().includes(name));
  t.notMatch(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }), new RegExp(`^${name}\\b`, 'm'));
  t.throws(() => deleteNetns(name), NetnsNotFoundError);
  t.throws(() => openNetns(name), /does not exist/);
});

t.test('nlkit opens namespaces made by ip netns add, by name, path, pid and fd', async (t) => {
  if (!requireRoot(t)) return;
  const name = uniqueNetnsName('ipadd');
  execFileSync('ip', ['netns', 'add', name]);
  t.teardown(() => { if (netnsExists(name)) execFileSync('ip', ['netns', 'delete', name]); });
  const inode = Number(execFileSync('stat', ['-L', '-c', '%i', `/run/netns/${name}`], { encoding: 'utf8' }));
  t.equal(netnsInode(name), inode, 'by name');
  t.equal(netnsInode({ path: `/run/netns/${name}` }), inode, 'by path');
  t.equal(netnsInode({ pid: process.pid }), netnsInode('current'), 'by pid');
  const handle = openNetns({ name });
  t.equal(netnsInode({ fd: handle.fd }), inode, 'by fd');
  const inside = withNetns({ fd: handle.fd }, () => netnsInode('current'));
  t.equal(inside, inode, 'withNetns enters it');
  handle.close();
});

t.test('the thread is back in its namespace after errors inside the switch', async (t) => {
  if (!requireRoot(t)) return;
  const [name] = testNetns(t, 1, 'sw');
  const home = netnsInode('current');
  const fdsBefore = nlkitFds();
  t.throws(() => withNetns(name!, () => { throw new Error('boom inside'); }), /boom inside/);
  t.equal(netnsInode('current'), home, 'restored after the callback threw');
  switchHooks.afterEnter = () => { throw new Error('injected after setns'); };
  try {
    t.throws(() => withNetns(name!, () => 1), /injected after setns/);
  } finally {
    delete switchHooks.afterEnter;
  }
  t.equal(netnsInode('current'), home, 'restored after an injected failure right after setns');
  t.throws(() => withNetns({ fd: 999999 }, () => 1), /setns.*EBADF/);
  t.equal(netnsInode('current'), home, 'unchanged when entering fails');
  t.throws(() => withNetns(name!, () => Promise.resolve(1)), /synchronous/);
  t.equal(netnsInode('current'), home);
  t.throws(() => withNetns('no-such-ns-' + process.pid, () => 1), NetnsNotFoundError);
  t.same(nlkitFds(), fdsBefore, 'no fd leaked');
  t.ok(NetnsRestoreError);
});

t.test('a socket opened in a namespace stays there', async (t) => {
  if (!requireRoot(t)) return;
  const [name] = testNetns(t, 1, 'sock');
  const home = netnsInode('current');
  const sock = openNetlinkSocket(0, { netns: name });
  t.teardown(() => sock.close());
  t.equal(netnsInode('current'), home);
  t.ok(sock.portId > 0);
});
