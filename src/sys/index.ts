export * from './constants.js';
export * from './errors.js';
export * as libc from './libc.js';
export * as bpf from './bpf.js';
export * as flock from './flock.js';
