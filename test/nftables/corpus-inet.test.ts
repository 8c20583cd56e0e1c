// The corpus round trip (corpus-round-trip.ts) for the inet files.
import t from 'tap';
import { corpusRoundTrips } from './corpus-round-trip.js';

t.test('corpus (inet files): nft -f → nlkit lists → flush → nlkit re-creates → identical nft text and JSON', (t) => corpusRoundTrips(t, (n) => n.startsWith('inet-')));
