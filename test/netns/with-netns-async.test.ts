// withNetns switches only the calling thread for synchronous code: async
// callbacks are refused before any of their code runs, and a callback that
// returns a Promise leaves no unhandled rejection behind.
import t from 'tap';
import { readlinkSync } from 'node:fs';
import { withNetns, InvalidArgumentError } from '../../src/index.js';
import { requireRoot, testNetns } from '../helpers/netns.js';

const here = () => readlinkSync('/proc/thread-self/ns/net');

t.test('async and generator callbacks are refused before they run', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'wasync');
  const home = here();
  let ran = 0;
  const refused: [string, () => unknown][] = [
    ['async function', async () => { ran++; }],
    ['async arrow throwing later', async () => { ran++; await Promise.resolve(); throw new Error('late'); }],
    ['generator', function* () { ran++; yield 1; }],
    ['async generator', async function* () { ran++; yield 1; }],
  ];
  for (const [what, fn] of refused) {
    t.throws(() => withNetns(ns!, fn as () => unknown), InvalidArgumentError, what);
  }
  t.equal(ran, 0, 'no part of any refused callback ran');
  t.equal(here(), home, 'the thread is in its own namespace');
  t.throws(() => withNetns(ns!, 'not a function' as never), /callback must be a function/);
});

t.test('a callback returning a rejecting Promise: refused, and no unhandled rejection', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'wpromise');
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  t.teardown(() => { process.off('unhandledRejection', onUnhandled); });
  let inside = '';
  t.throws(
    () => withNetns(ns!, () => { inside = here(); return Promise.reject(new Error('boom')); }),
    InvalidArgumentError,
  );
  t.throws(() => withNetns(ns!, () => ({ then: (_: unknown, reject: (e: Error) => void) => reject(new Error('thenable')) })), InvalidArgumentError);
  await new Promise((r) => setTimeout(r, 50));
  t.same(unhandled, [], 'no unhandled rejection');
  t.not(inside, '', 'the synchronous part ran inside the namespace');
  t.same(withNetns(ns!, () => 42), 42, 'synchronous callbacks still return their value');
});
