import { QueryCache, QueryClient, QueryClientProvider, MutationCache } from '@tanstack/react-query';
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from 'react-router-dom';
import { ApiError } from '../api/client';
import { ServicesPage } from '../features/services/ServicesPage';
import { TracesPage } from '../features/traces/TracesPage';
import { TraceView } from '../features/traces/TraceView';
import { LogsPage } from '../features/logs/LogsPage';
import { markUnauthorized, useUnauthorized } from './auth';
import { Shell } from './Shell';
import { Unauthorized } from './Unauthorized';

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
  return (
    <div className="page-pad">
      <h1>Nothing here</h1>
      <p className="muted">This address is not a Loupe page. Pick a page on the left.</p>
    </div>
  );
}

const router = createBrowserRouter([
  {
    element: <Shell />,
    children: [
      { path: '/', element: <Home /> },
      { path: '/services', element: <ServicesPage /> },
      { path: '/traces', element: <TracesPage /> },
      { path: '/traces/:traceId', element: <TraceView /> },
      { path: '/logs', element: <LogsPage /> },
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
