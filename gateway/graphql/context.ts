/**
 * Per-request context of every resolver: the gateway's services, who is calling, and a
 * sink for per-cluster problems that become GraphQL errors next to the data.
 */
import type { FleetError } from '../errors.js';
import type { FleetGateway } from '../service/fleet-gateway.js';
import type { LiveReads } from '../service/live-reads.js';

/** A resolver's context. */
export interface GatewayContext {
  gateway: FleetGateway;
  /** API token name, 'local' for unauthenticated loopback callers. */
  actor: string;
  requestId: string;
  /** This request's live reader (DataLoader batching across its fields). */
  live: LiveReads;
  /**
   * Closes the caller's WebSocket with a code and reason (subscriptions cut off a subscriber
   * that fell behind); absent over HTTP.
   */
  closeConnection?: (code: number, reason: string) => void;
  /** Problems reported as errors next to the data; `path` is the field's response path. */
  problems: { error: FleetError; path: readonly (string | number)[] }[];
}
