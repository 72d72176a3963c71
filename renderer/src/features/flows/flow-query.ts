// Linked traces and flows from the API. Both read spans (a new consumer trace can link to this
// one at any moment), so live updates refetch them.
import { useApi } from '../../api/query';

export function useLinkedTraces(traceId: string) {
  return useApi('traceLinks', { traceId }, { tables: ['spans', 'traces'], enabled: !!traceId });
}

export function useFlow(traceId: string) {
  return useApi('flow', { traceId }, { tables: ['spans', 'traces'], enabled: !!traceId });
}

/** One linked trace's spans, fetched when its row is expanded. */
export function useLinkedTraceSpans(traceId: string, enabled: boolean) {
  return useApi('trace', { traceId }, { tables: ['spans'], enabled });
}

/** "kafka orders" for a hop through a named destination, else null. */
export function destinationLabel(hop: { messagingSystem: string | null; destination: string | null }): string | null {
  if (!hop.destination) return null;
  return hop.messagingSystem ? `${hop.messagingSystem} · ${hop.destination}` : hop.destination;
}
