// Process entry of the `nlkit` command (bin/nlkit loads it).
import { runCli } from './main.js';

const status = await runCli(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
});
process.exitCode = status;
