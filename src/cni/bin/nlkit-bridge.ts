// The nlkit-bridge executable a CNI runtime starts (dist/cni/nlkit-bridge launches it).
import { runPluginExecutable } from './executable.js';

await runPluginExecutable('nlkit-bridge');
