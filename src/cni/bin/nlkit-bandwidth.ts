// The nlkit-bandwidth executable a CNI runtime starts: environment and stdin in,
// runPlugin, its answer on stdout and its exit code.
import { readFileSync } from 'node:fs';
import { runPlugin } from '../plugins.js';

function readStdin(): Buffer {
  try {
    return readFileSync(0);
  } catch (error) {
    // No stdin at all (closed descriptor): VERSION needs none; the others report the missing config.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN' || code === 'EBADF' || code === 'ENXIO') return Buffer.alloc(0);
    throw error;
  }
}

const { stdout, exitCode } = await runPlugin('nlkit-bandwidth', process.env, readStdin());
process.stdout.write(stdout, () => process.exit(exitCode));
