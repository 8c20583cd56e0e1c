// A full garbage collection before each timed run, so a run does not pay for
// the garbage of the one before it (which may be another implementation's).
// `npm run bench` cannot pass --expose-gc, so the flag is set at run time and
// the gc function taken from a fresh context, where V8 installs it.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export function collectGarbage(): void {
  gc();
}
