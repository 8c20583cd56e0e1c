// The pod is torn down and re-created at once under the same names (its
// namespace and its host end). With deleteNetnsAndWait the re-creation must
// just work; the bare deleteNetns variant shows what callers get without it
// (EEXIST on the host end while the kernel still tears the old one down)
// and retries.
import { setTimeout as sleep } from 'node:timers/promises';
import { createNetns, deleteNetns, deleteNetnsAndWait, deleteNetnsAndWaitAsync, NetlinkError } from '../../../src/index.js';
import type { Cycle } from '../cycle.js';
import { addVeth, configurePod } from '../pod.js';
import { check, SoakCheckError } from '../tally.js';
import type { Fault } from './fault.js';

const NAME = 're-create with the same names';
const BARE_RETRY_LIMIT_MS = 10_000;

/** Adds the host end again, waiting out EEXIST while the old one is being torn down. */
async function addVethRetryingExists(c: Cycle): Promise<void> {
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      await addVeth(c);
      c.tally.note(`re-create bare: veth added on attempt ${attempt > 3 ? '4+' : attempt}`);
      return;
    } catch (error) {
      c.tally.expected(NAME, error, [NetlinkError]);
      const refusal = error as NetlinkError;
      if (refusal.code !== 'EEXIST') throw error;
      if (/torn down|teardown|deleteNetnsAndWait/i.test(refusal.message)) c.tally.note('re-create bare: EEXIST message mentions the teardown');
      else c.tally.note(`re-create bare: EEXIST message without a teardown hint: ${refusal.message.replaceAll(c.pod.hostEnd, 'HOSTEND').replace(/\d+/g, 'N')}`);
      if (performance.now() - started > BARE_RETRY_LIMIT_MS) throw new SoakCheckError(`host end ${c.pod.hostEnd} still exists ${BARE_RETRY_LIMIT_MS} ms after its namespace was deleted`);
      await sleep(1);
    }
  }
}

export const recreate: Fault = {
  name: NAME,
  weight: 1,
  async run(c, inside) {
    c.close(inside);
    if (c.rng.chance(0.8)) {
      const options = { watch: c.world.hostNetns, timeoutMs: 10_000 };
      const teardown = await c.call('delete netns and wait',
        () => deleteNetnsAndWait(c.pod.netns, options),
        () => deleteNetnsAndWaitAsync(c.pod.netns, options));
      check(teardown.links.some((l) => l.name === c.pod.hostEnd), `deleteNetnsAndWait did not report ${c.pod.hostEnd} among the removed devices`);
      c.tally.note('re-create after deleteNetnsAndWait');
      c.beat('re-create netns');
      createNetns(c.pod.netns);
      await addVeth(c);
    } else {
      c.beat('bare delete netns');
      deleteNetns(c.pod.netns);
      c.beat('re-create netns');
      createNetns(c.pod.netns);
      await addVethRetryingExists(c);
    }
    const again = await configurePod(c);
    c.close(again);
  },
};
