// After tsc: makes dist/cni/ usable as a CNI_PATH directory as it is. Each
// plugin gets an executable named as runtimes look it up (no extension) that
// loads its compiled entry point from dist/cni/bin/. Written like bin/nlkit:
// no import statement, no import.meta, so it loads as an ES module or as
// CommonJS alike; the relative import() resolves from the file itself.
import { chmodSync, existsSync, writeFileSync } from 'node:fs';

const plugins = ['nlkit-bridge'];

for (const name of plugins) {
  const entry = new URL(`../dist/cni/bin/${name}.js`, import.meta.url);
  if (!existsSync(entry)) throw new Error(`build-cni: ${entry.pathname} is missing; run tsc -p tsconfig.build.json first`);
  const file = new URL(`../dist/cni/${name}`, import.meta.url);
  writeFileSync(file, `#!/usr/bin/env node\n// The ${name} CNI plugin: put this directory on CNI_PATH.\nimport('./bin/${name}.js');\n`);
  chmodSync(file, 0o755);
}
