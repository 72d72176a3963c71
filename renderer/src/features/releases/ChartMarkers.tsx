// Time markers for recharts time charts: deploys (and any other event a page provides) drawn
// as thin vertical lines with a small label. A page puts its markers in a provider once; every
// TimeChart under it draws them, so the service page, map drawers and any chart built on
// TimeChart show the same deploys without each chart fetching them.
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { ReferenceLine } from 'recharts';
import type { RangeSpec } from '../../app/time-range';
import { useApi } from '../../api/query';
import { formatAbsolute } from '../../ui/format';
import './releases.css';

export interface ChartMarker {
  time: number;
  /** Short text at the top of the line (a version). */
  label: string;
  /** Longer text on hover. */
  title: string;
  kind: 'deploy' | 'announced' | 'fault';
}

const MarkersContext = createContext<ChartMarker[]>([]);

export function ChartMarkersProvider({ markers, children }: { markers: ChartMarker[]; children: ReactNode }) {
  return <MarkersContext.Provider value={markers}>{children}</MarkersContext.Provider>;
}

export function useChartMarkers(): ChartMarker[] {
  return useContext(MarkersContext);
}

const COLOR: Record<ChartMarker['kind'], string> = { deploy: 'var(--marker-deploy)', announced: 'var(--marker-deploy)', fault: 'var(--marker-fault)' };

/** The markers of the nearest provider (or those given) inside [from, to], as recharts reference lines. */
export function ChartMarkers({ from, to, markers, yAxisId }: { from: number; to: number; markers?: ChartMarker[]; yAxisId?: string }) {
  const fromContext = useChartMarkers();
  const shown = (markers ?? fromContext).filter((m) => m.time >= from && m.time <= to);
  // A label near the chart's right edge reads leftwards of its line, so it is not cut off.
  const nearRightEdge = (time: number) => to > from && (time - from) / (to - from) > 0.75;
  return (
    <>
      {shown.map((m, i) => (
        <ReferenceLine
          key={`${m.kind}-${m.time}-${i}`}
          x={m.time}
          yAxisId={yAxisId}
          stroke={COLOR[m.kind]}
          strokeDasharray={m.kind === 'announced' ? '2 2' : '4 3'}
          strokeWidth={1.2}
          ifOverflow="hidden"
          className="chart-marker"
          label={(props: { viewBox?: { x?: number; y?: number } }) => (
            <g className="chart-marker-label" data-testid="chart-marker">
              <title>{`${m.title} — ${formatAbsolute(m.time)}`}</title>
              <text
                x={(props.viewBox?.x ?? 0) + (nearRightEdge(m.time) ? -3 : 3)}
                y={(props.viewBox?.y ?? 0) + 9}
                textAnchor={nearRightEdge(m.time) ? 'end' : 'start'}
                fill={COLOR[m.kind]}
                fontSize={10}
              >
                {m.label}
              </text>
            </g>
          )}
        />
      ))}
    </>
  );
}

/** Deploys of a service (or all services) as markers: each version's arrival on the service,
 * and deploys announced through the API. Per-instance starts are listed, not drawn. Faults
 * switched in the demo are drawn too: a rehearsal reads best with its cause on the chart. */
export function useDeployMarkers(range: RangeSpec, service?: string): { markers: ChartMarker[]; deploys: ReturnType<typeof useDeploys> } {
  const deploys = useDeploys(range, service);
  const faults = useFaultMarkers();
  const markers = useMemo(
    () =>
      (deploys.data ?? [])
        .filter((d) => d.instance === null && !d.initial)
        .map<ChartMarker>((d) => ({
          time: d.time,
          label: service ? d.version : `${d.service} ${d.version}`,
          title: `${d.service} ${d.version}: ${d.description}`,
          kind: d.source === 'api' ? 'announced' : 'deploy',
        }))
        .concat(faults),
    [deploys.data, service, faults],
  );
  return { markers, deploys };
}

const FAULT_POLL_MS = 10_000;

/** Demo faults started and stopped, as markers (none when the demo never ran). */
export function useFaultMarkers(): ChartMarker[] {
  const faults = useApi('demoFaults', {}, { tables: [], refetchInterval: FAULT_POLL_MS });
  return useMemo(
    () =>
      (faults.data?.history ?? []).map<ChartMarker>((e) => ({
        time: e.at,
        label: `${e.fault} ${e.action === 'started' ? 'on' : 'off'}`,
        title: `Demo fault ${e.fault} ${e.action}${e.reason ? ` (${e.reason})` : ''}`,
        kind: 'fault',
      })),
    [faults.data],
  );
}

export function useDeploys(range: RangeSpec, service?: string) {
  return useApi('deploys', { service }, { range, tables: ['rollups', 'services'] });
}
