/**
 * The Node entry of @fleetgraph/sdk: Node 20 has no global WebSocket, so subscriptions use
 * the `ws` package unless options.webSocketImpl says otherwise.
 */
import WebSocket from 'ws';
import { createFleetClient as create, type FleetClient, type FleetClientOptions } from './client.js';

export * from './exports.js';

/** Creates a client for the gateway at options.url; nothing connects until the first call. */
export function createFleetClient(options: FleetClientOptions): FleetClient {
  return create({ webSocketImpl: WebSocket, ...options });
}
