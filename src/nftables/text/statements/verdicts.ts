// Verdict statements: accept, drop, continue, return, queue-less verdicts, jump and goto.
import { verdictText } from '../expressions.js';
import { registerStatement } from './registry.js';

registerStatement(['accept', 'drop', 'continue', 'return', 'jump', 'goto'], (body, kind) => verdictText(kind, body) ?? kind);
