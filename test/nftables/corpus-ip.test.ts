// The corpus round trip (corpus-round-trip.ts) for the ip and ip6 files.
import t from 'tap';
import { corpusRoundTrips } from './corpus-round-trip.js';

t.test('corpus (ip and ip6 files): nft -f → nlkit lists → flush → nlkit re-creates → identical nft text and JSON', (t) => corpusRoundTrips(t, (n) => n.startsWith('ip-') || n.startsWith('ip6-')));
