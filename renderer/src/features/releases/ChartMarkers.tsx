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
export function ChartMarkers({ from, to, markers }: { from: number; to: number; markers?: ChartMarker[] }) {
  const fromContext = useChartMarkers();
  const shown = (markers ?? fromContext).filter((m) => m.time >= from && m.time <= to);
  return (
    <>
      {shown.map((m, i) => (
        <ReferenceLine
          key={`${m.kind}-${m.time}-${i}`}
          x={m.time}
          stroke={COLOR[m.kind]}
          strokeDasharray={m.kind === 'announced' ? '2 2' : '4 3'}
          strokeWidth={1.2}
          ifOverflow="hidden"
          className="chart-marker"
          label={(props: { viewBox?: { x?: number; y?: number } }) => (
            <g className="chart-marker-label" data-testid="chart-marker">
              <title>{`${m.title} — ${formatAbsolute(m.time)}`}</title>
              <text x={(props.viewBox?.x ?? 0) + 3} y={(props.viewBox?.y ?? 0) + 9} fill={COLOR[m.kind]} fontSize={10}>
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
 * and deploys announced through the API. Per-instance starts are listed, not drawn. */
export function useDeployMarkers(range: RangeSpec, service?: string): { markers: ChartMarker[]; deploys: ReturnType<typeof useDeploys> } {
  const deploys = useDeploys(range, service);
  const markers = useMemo(
    () =>
      (deploys.data ?? [])
        .filter((d) => d.instance === null && !d.initial)
        .map<ChartMarker>((d) => ({
          time: d.time,
          label: service ? d.version : `${d.service} ${d.version}`,
          title: `${d.service} ${d.version}: ${d.description}`,
          kind: d.source === 'api' ? 'announced' : 'deploy',
        })),
    [deploys.data, service],
  );
  return { markers, deploys };
}

export function useDeploys(range: RangeSpec, service?: string) {
  return useApi('deploys', { service }, { range, tables: ['rollups', 'services'] });
}
