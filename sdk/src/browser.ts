/** The browser entry of @fleetgraph/sdk: the browser's own fetch and WebSocket. */
import { createFleetClient as create, type FleetClient, type FleetClientOptions } from './client.js';

export * from './exports.js';

/** Creates a client for the gateway at options.url; nothing connects until the first call. */
export function createFleetClient(options: FleetClientOptions): FleetClient {
  return create(options);
}
