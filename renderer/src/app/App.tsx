import { lazy, Suspense, type ReactNode } from 'react';
import { QueryCache, QueryClient, QueryClientProvider, MutationCache } from '@tanstack/react-query';
import { createBrowserRouter, Link, Navigate, RouterProvider, useLocation } from 'react-router-dom';
import { ApiError } from '../api/client';
import { ServicesPage } from '../features/services/ServicesPage';
import { EmptyHint, SkeletonBlock } from '../ui/states';
import { markUnauthorized, useUnauthorized } from './auth';
import { Shell } from './Shell';
import { Unauthorized } from './Unauthorized';
import { NAV } from './nav';

// Pages with charts load on first visit, so the first screen does not wait for the chart library.
const TracesPage = lazy(() => import('../features/traces/TracesPage').then((m) => ({ default: m.TracesPage })));
const TraceView = lazy(() => import('../features/traces/TraceView').then((m) => ({ default: m.TraceView })));
const ExceptionsPage = lazy(() => import('../features/exceptions/ExceptionsPage').then((m) => ({ default: m.ExceptionsPage })));
const LogsPage = lazy(() => import('../features/logs/LogsPage').then((m) => ({ default: m.LogsPage })));
const MapPage = lazy(() => import('../features/map/MapPage').then((m) => ({ default: m.MapPage })));
const ServicePage = lazy(() => import('../features/service-page/ServicePage').then((m) => ({ default: m.ServicePage })));
const SloPage = lazy(() => import('../features/slo/SloPage').then((m) => ({ default: m.SloPage })));
const AlertsPage = lazy(() => import('../features/alerts/AlertsPage').then((m) => ({ default: m.AlertsPage })));
const ComparePage = lazy(() => import('../features/compare/ComparePage').then((m) => ({ default: m.ComparePage })));
const DemoPage = lazy(() => import('../features/demo/DemoPage').then((m) => ({ default: m.DemoPage })));
const MetricsPage = lazy(() => import('../features/metrics/MetricsPage').then((m) => ({ default: m.MetricsPage })));
const SettingsPage = lazy(() => import('../features/settings/SettingsPage').then((m) => ({ default: m.SettingsPage })));
const ReleasesPage = lazy(() => import('../features/releases/ReleasesPage').then((m) => ({ default: m.ReleasesPage })));
const FlowPage = lazy(() => import('../features/flows/FlowPage').then((m) => ({ default: m.FlowPage })));
const CatalogSection = lazy(() => import('../features/catalog/CatalogSection').then((m) => ({ default: m.CatalogSection })));

function Page({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <div className="page-pad">
          <SkeletonBlock height={48} />
          <SkeletonBlock height={320} />
        </div>
      }
    >
      {children}
    </Suspense>
  );
}

function onApiError(e: unknown) {
  if (e instanceof ApiError && e.unauthorized) markUnauthorized();
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onApiError }),
  mutationCache: new MutationCache({ onError: onApiError }),
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      refetchOnWindowFocus: false,
      retry: (count, e) => !(e instanceof ApiError && e.status >= 400 && e.status < 500) && count < 2,
    },
  },
});

function Home() {
  const { search } = useLocation();
  return <Navigate to={`/services${search}`} replace />;
}

function NotFound() {
  const { pathname } = useLocation();
  return (
    <div className="page-pad" data-testid="not-found">
      <EmptyHint title="No page at this address">
        <span>
          <span className="mono">{pathname}</span> is not a Loupe page: the link may be old, or mistyped.
        </span>
        <span className="not-found-links">
          {NAV.slice(0, 4).map((n) => (
            <Link key={n.path} className="btn btn-small" to={n.path}>
              {n.label}
            </Link>
          ))}
        </span>
      </EmptyHint>
    </div>
  );
}

const router = createBrowserRouter([
  {
    element: <Shell />,
    children: [
      { path: '/', element: <Home /> },
      { path: '/services', element: <ServicesPage /> },
      {
        path: '/services/:name',
        element: (
          <Page>
            <ServicePage />
          </Page>
        ),
      },
      {
        path: '/map',
        element: (
          <Page>
            <MapPage />
          </Page>
        ),
      },
      {
        path: '/exceptions',
        element: (
          <Page>
            <ExceptionsPage />
          </Page>
        ),
      },
      {
        path: '/releases',
        element: (
          <Page>
            <ReleasesPage />
          </Page>
        ),
      },
      {
        path: '/alerts',
        element: (
          <Page>
            <AlertsPage />
          </Page>
        ),
      },
      {
        path: '/slos',
        element: (
          <Page>
            <SloPage />
          </Page>
        ),
      },
      {
        path: '/traces',
        element: (
          <Page>
            <TracesPage />
          </Page>
        ),
      },
      {
        path: '/traces/:traceId',
        element: (
          <Page>
            <TraceView />
          </Page>
        ),
      },
      {
        path: '/flows/:traceId',
        element: (
          <Page>
            <FlowPage />
          </Page>
        ),
      },
      {
        path: '/compare',
        element: (
          <Page>
            <ComparePage />
          </Page>
        ),
      },
      {
        path: '/logs',
        element: (
          <Page>
            <LogsPage />
          </Page>
        ),
      },
      {
        path: '/catalog/*',
        element: (
          <Page>
            <CatalogSection />
          </Page>
        ),
      },
      {
        path: '/demo',
        element: (
          <Page>
            <DemoPage />
          </Page>
        ),
      },
      {
        path: '/metrics',
        element: (
          <Page>
            <MetricsPage />
          </Page>
        ),
      },
      {
        path: '/settings',
        element: (
          <Page>
            <SettingsPage />
          </Page>
        ),
      },
      { path: '*', element: <NotFound /> },
    ],
  },
]);

function Gate() {
  const unauthorized = useUnauthorized();
  return unauthorized ? <Unauthorized /> : <RouterProvider router={router} />;
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <Gate />
    </QueryClientProvider>
  );
}
