// Every decoder against damaged copies of every captured message: truncated
// at every offset (spread over the run), bits flipped, length fields
// overwritten. Each must decode or throw nlkit's typed errors, and a
// truncated message must decode the same whatever follows it. `npm run fuzz`
// runs a million cases or more; FUZZ_SEED picks the seed here.
import t from 'tap';
import { DecoderFuzz, FuzzFailure } from './harness.js';
import { loadTargets } from './targets.js';
import { startWatchdog } from './watchdog.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20250707);
const TRUNCATIONS = 40_000;
const DAMAGES = 20_000;

t.test(`decoders refuse damaged messages with typed errors (seed ${SEED})`, async (t) => {
  const fuzz = new DecoderFuzz(loadTargets(), SEED);
  t.ok(fuzz.targets.length > 250, `${fuzz.targets.length} captured and synthetic messages`);
  const cases = [
    ...Array.from({ length: Math.min(TRUNCATIONS, fuzz.truncations) }, (_, i) => i),
    ...Array.from({ length: DAMAGES }, (_, i) => fuzz.truncations + i),
  ];
  const failures: string[] = [];
  const watchdog = startWatchdog(SEED);
  try {
    for (const n of cases) {
      watchdog.at(n);
      try {
        fuzz.run(n);
      } catch (error) {
        if (!(error instanceof FuzzFailure)) throw error;
        failures.push(error.message);
        if (failures.length >= 10) break;
      }
    }
  } finally {
    watchdog.at(-1);
    await watchdog.stop();
  }
  t.strictSame(failures, [], 'no case threw anything but a typed error');
  t.ok(fuzz.stats.cases >= 50_000, `${fuzz.stats.cases} cases run`);
  t.ok(fuzz.stats.typedErrors > 0 && fuzz.stats.decoded > 0, `${fuzz.stats.decoded} decodes, ${fuzz.stats.typedErrors} typed errors`);
});
