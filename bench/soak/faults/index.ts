import { closeMidRequest } from './close-mid-request.js';
import { eperm } from './eperm.js';
import type { Fault } from './fault.js';
import { interruptedDump } from './interrupted-dump.js';
import { netnsDeleted } from './netns-deleted.js';
import { recreate } from './recreate.js';
import { tinyReceiveBuffer } from './tiny-receive-buffer.js';

export type { Fault } from './fault.js';

export const FAULTS: readonly Fault[] = [netnsDeleted, closeMidRequest, tinyReceiveBuffer, interruptedDump, eperm, recreate];
