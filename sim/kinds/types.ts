/** The per-kind strategy contract, kept apart from index.ts so kind modules avoid an import cycle. */
import type { KubeObject, StatusCause } from '../k8s-types.js';

/** What the API server applies on writes for one kind, like a kube-apiserver registry strategy. */
export interface KindStrategy {
  /** Returns a new object with the defaults a real apiserver fills in; must be idempotent (runs on every write). */
  defaults(obj: KubeObject): KubeObject;
  /** [] when valid; otherwise causes like `{field: 'spec.template.spec.containers[0].image', message: 'Required value'}`. */
  validate(obj: KubeObject, old: KubeObject | undefined): StatusCause[];
  /** True when metadata.generation is set on create and bumped on spec changes. */
  tracksGeneration: boolean;
}
