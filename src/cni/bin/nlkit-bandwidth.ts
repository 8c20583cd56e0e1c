// The nlkit-bandwidth executable a CNI runtime starts (dist/cni/nlkit-bandwidth launches it).
import { runPluginExecutable } from './executable.js';

await runPluginExecutable('nlkit-bandwidth');
