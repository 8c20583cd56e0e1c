// Reads this node's Node object from the API server with the pod's service
// account, over plain node:https (no client library): GET /api/v1/nodes/NAME.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { NodeObject } from './conflist.js';
import { CniInstallError } from './errors.js';

/** Where the kubelet mounts the service account's token and the cluster's CA. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ApiServer {
  /** `https://HOST:PORT` (http:// for a test server on loopback). */
  url: string;
  /** The bearer token; none: no Authorization header. */
  token?: string;
  /** PEM of the CA that signed the server's certificate (https). */
  ca?: string | Buffer;
  /** Default 10 s per request. */
  timeoutMs?: number;
}

/**
 * The API server as a pod sees it: KUBERNETES_SERVICE_HOST/PORT (set in
 * every pod; the kubelet's view, which works with hostNetwork too), the
 * service account's token and CA. `dir` is where they are mounted.
 */
export function inClusterApiServer(env: Readonly<Record<string, string | undefined>> = process.env, dir = SERVICE_ACCOUNT_DIR): ApiServer {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT || '443';
  if (!host) throw new CniInstallError('EINVAL', 'KUBERNETES_SERVICE_HOST is not set (not running in a pod?): run inside the cluster, or set the subnet in the conflist template so the Node object is not needed');
  const read = (name: string): string => {
    try {
      return readFileSync(`${dir}/${name}`, 'utf8');
    } catch (error) {
      throw new CniInstallError('EINVAL', `cannot read the service account's ${name} (${dir}/${name}: ${(error as NodeJS.ErrnoException).code}): is automountServiceAccountToken off?`);
    }
  };
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return { url: `https://${hostPart}:${port}`, token: read('token').trim(), ca: read('ca.crt') };
}

const NODE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Checks a Node name (a DNS subdomain, as Kubernetes requires) before it goes into a URL. */
export function checkNodeName(name: unknown): string {
  if (typeof name !== 'string' || !NODE_NAME.test(name)) throw new CniInstallError('EINVAL', `NODE_NAME ${JSON.stringify(name)} is not a node name: set it from the downward API (fieldRef spec.nodeName)`);
  return name;
}

/** GET /api/v1/nodes/NAME; the parsed object, or CniInstallError EAPI with the server's reason. */
export async function fetchNode(api: ApiServer, name: string): Promise<NodeObject> {
  checkNodeName(name);
  let url: URL;
  try {
    url = new URL(`/api/v1/nodes/${name}`, api.url);
  } catch {
    throw new CniInstallError('EINVAL', `the API server URL ${JSON.stringify(api.url)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CniInstallError('EINVAL', `the API server URL must be https:// (or http://), not ${JSON.stringify(api.url)}`);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (api.token) headers.authorization = `Bearer ${api.token}`;
  const timeoutMs = api.timeoutMs ?? 10_000;
  return new Promise<NodeObject>((resolve, reject) => {
    const fail = (message: string) => reject(new CniInstallError('EAPI', `GET ${url.href}: ${message}`));
    // agent: false, a connection of its own: a kept-alive socket the server is closing meanwhile would fail the request with ECONNRESET.
    const req = request(url, { method: 'GET', headers, agent: false, ...(api.ca !== undefined ? { ca: api.ca } : {}), timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => fail(error.message));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          parsed = undefined;
        }
        if (res.statusCode !== 200) {
          const reason = typeof (parsed as { message?: unknown })?.message === 'string' ? (parsed as { message: string }).message : body.slice(0, 200);
          const hint = res.statusCode === 401 || res.statusCode === 403 ? ' (the ServiceAccount needs "get" on nodes: see the ClusterRole in deploy/kubernetes/nlkit-cni.yaml)' : '';
          fail(`HTTP ${res.statusCode}: ${reason}${hint}`);
        } else if (typeof parsed !== 'object' || parsed === null || (parsed as { kind?: unknown }).kind !== 'Node') {
          fail('the answer is not a Node object');
        } else resolve(parsed as NodeObject);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => fail(error.message));
    req.end();
  });
}
