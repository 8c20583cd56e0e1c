// Process entry of the `nlkit` command (bin/nlkit loads it). No top-level
// await: scripts/build-cli.mjs bundles this file as CommonJS.
import { runCli } from './main.js';

void runCli(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
}).then((status) => {
  process.exitCode = status;
});
