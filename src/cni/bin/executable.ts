// What every plugin executable does: environment and stdin in, runPlugin, its
// answer on stdout and its exit code.
import { readFileSync } from 'node:fs';
import { runPlugin, type PluginName } from '../plugins.js';

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

/** Runs plugin `name` for this process's CNI call and exits with its status once stdout is written. */
export async function runPluginExecutable(name: PluginName): Promise<void> {
  const { stdout, exitCode } = await runPlugin(name, process.env, readStdin());
  process.stdout.write(stdout, () => process.exit(exitCode));
}
