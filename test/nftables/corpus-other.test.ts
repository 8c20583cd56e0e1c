// The corpus round trip (corpus-round-trip.ts) for the arp, bridge, netdev, sets, maps, objects and datatypes files.
import t from 'tap';
import { corpusRoundTrips } from './corpus-round-trip.js';

t.test('corpus (arp, bridge, netdev, sets, maps, objects and datatypes files): nft -f → nlkit lists → flush → nlkit re-creates → identical nft text and JSON', (t) => corpusRoundTrips(t, (n) => !/^(ip|ip6|inet)-/.test(n)));
