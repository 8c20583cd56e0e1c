// A rule's statements as nft prints them: each statement module registers its printers.
import './verdicts.js';
import './match.js';
import './stateful.js';
import './nat.js';
import './packet.js';
import './dynset.js';

export { statementText } from './registry.js';
export { limitText, quotaText, synproxyWords } from './stateful.js';
