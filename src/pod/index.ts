export { createPod, createPodAsync, deletePod, type CreatedNetnsPod, type ExistingNetnsPod, type Pod, type PodCommon, type PodDevice } from './create.js';
export { PodSysctlError } from './errors.js';
export { NamespacePool, NamespacePoolClosedError, openNamespacePool, type NamespacePoolOptions, type PooledNamespace } from './pool.js';
export type { PodAddress, PodEnd, PodHostEnd, PodRoute, PodSpec } from './spec.js';
