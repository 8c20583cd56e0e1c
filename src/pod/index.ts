export { createPod, createPodAsync, deletePod, type Pod, type PodDevice } from './create.js';
export { NamespacePool, NamespacePoolClosedError, openNamespacePool, type NamespacePoolOptions, type PooledNamespace } from './pool.js';
export type { PodAddress, PodEnd, PodHostEnd, PodRoute, PodSpec } from './spec.js';
