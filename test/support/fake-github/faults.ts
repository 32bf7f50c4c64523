/**
 * Faults the fake GitHub injects, each for a number of matching requests: server errors,
 * secondary rate limits, a rejected token, and connections dropped before or after the
 * request took effect (the second is the nasty one: the change happened but the client
 * never heard).
 */
export type FaultKind =
  | { kind: 'status'; status: 500 | 502 | 503 }
  | { kind: 'secondary-rate-limit'; retryAfterSeconds: number }
  | { kind: 'unauthorized' }
  | { kind: 'drop-before' }
  | { kind: 'drop-after' }
  /** Accept the request and never answer, like a stalled proxy. */
  | { kind: 'hang' };

export type Fault = FaultKind & {
  /** Operation id from the OpenAPI description, e.g. `pulls/create`; any operation if absent. */
  operationId?: string;
  /** How many matching requests it hits. */
  times: number;
};

export class Faults {
  private readonly pending: Fault[] = [];

  add(fault: Fault): void {
    this.pending.push({ ...fault });
  }

  clear(): void {
    this.pending.length = 0;
  }

  /** The fault for this request, if any, used up by one. */
  take(operationId: string): FaultKind | null {
    const fault = this.pending.find((f) => f.times > 0 && (f.operationId === undefined || f.operationId === operationId));
    if (!fault) return null;
    fault.times--;
    return fault;
  }
}
