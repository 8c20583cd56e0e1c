// Decoders never throw anything but MalformedMessageError: every captured tc
// request (and a kernel dump) cut short and with bytes changed at random,
// decoded and rendered as tc JSON.
import t from 'tap';
import { MalformedMessageError, type Message } from '../../../src/netlink/message.js';
import { PschedClock } from '../../../src/route/tc/clock.js';
import { decodeTc } from '../../../src/route/tc/message.js';
import { tcToJson } from '../../../src/route/tc/tcjson.js';
import { messageOf, readFixture } from '../codec-helpers.js';

const fixture = readFixture<{ psched: string; requests: { name: string; hex: string }[] }>('route/tc/requests.json');
const clock = new PschedClock(fixture.psched);
const names = new Map([[3, 'v0'], [4, 'ifb0']]);

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function attempt(m: Message): unknown {
  try {
    tcToJson([decodeTc(m)], names, { clock, stats: true });
    return undefined;
  } catch (error) {
    return error instanceof MalformedMessageError ? undefined : error;
  }
}

t.test('truncated and mutated requests decode or fail with MalformedMessageError', (t) => {
  const next = random(12);
  let runs = 0;
  const failures: string[] = [];
  for (const r of fixture.requests) {
    const original = messageOf(r.hex);
    for (let cut = original.offset; cut <= original.end; cut += 4) {
      const error = attempt({ ...original, end: cut });
      runs++;
      if (error) failures.push(`${r.name} cut at ${cut}: ${String(error)}`);
    }
    for (let i = 0; i < 300; i++) {
      const buf = Buffer.from(original.buf);
      const flips = 1 + Math.floor(next() * 4);
      for (let f = 0; f < flips; f++) buf[original.offset + Math.floor(next() * (original.end - original.offset))] = Math.floor(next() * 256);
      const error = attempt({ ...original, buf });
      runs++;
      if (error) failures.push(`${r.name} mutation ${i}: ${String(error)}`);
    }
  }
  t.same(failures, [], `${runs} decodes, no other error`);
  t.end();
});
