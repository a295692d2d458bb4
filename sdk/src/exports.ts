/** What both entries (Node and browser) export besides createFleetClient. */
export type { FleetClient, FleetClientOptions, FleetSdk, WithProblems } from './client.js';
export {
  FleetGraphError,
  isFleetGraphError,
  type ClientErrorCode,
  type ClusterProblemInfo,
  type FleetGraphErrorCode,
  type GraphQLErrorInfo,
} from './errors.js';
export type { RequestOptions, RetryOptions } from './http.js';
export type { FleetSubscription, SubscriptionOptions } from './subscriptions.js';
// Operation, fragment, input and enum types, and the operation documents (typed strings).
export * from './sdk.generated.js';
