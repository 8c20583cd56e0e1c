// Plain JavaScript (an ES module): lists this namespace's links as `ip -j -d link show` prints them.
// Run it from a clone with `node --import=tsx examples/list-links.mjs`, or after `npm install nlkit`
// with plain `node`.
import { linkToIpJson, openRoute } from 'nlkit';

const rt = openRoute();
try {
  const links = rt.link.list();
  for (const link of links) console.log(JSON.stringify(linkToIpJson(link, links)));
} finally {
  rt.close();
}
