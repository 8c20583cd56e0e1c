// The nlkit-portmap executable a CNI runtime starts (dist/cni/nlkit-portmap launches it).
import { runPluginExecutable } from './executable.js';

await runPluginExecutable('nlkit-portmap');
