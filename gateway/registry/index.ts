/** The cluster registry: service, types, kubeconfig reading and input validation. */
export * from './types.js';
export * from './registry.js';
export * from './kubeconfig.js';
export * from './validation.js';
