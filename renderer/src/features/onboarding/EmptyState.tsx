// Shown until the store has received anything: how to send data, or start the demo.
import { useState } from 'react';
import { useStartDemo } from '../../api/hooks';
import type { OutputOf } from '../../api/client';
import { useImport } from '../../app/ImportDrop';
import { Spinner } from '../../ui/states';

export function EmptyState({ health }: { health: OutputOf<'health'> }) {
  const demo = useStartDemo();
  const { openFile } = useImport();
  const [copied, setCopied] = useState(false);
  const endpoint = health.endpoints.otlpHttp.replace('://127.0.0.1:', '://localhost:');
  const envLine = `OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}`;
  const starting = demo.isPending || (demo.isSuccess && demo.data.running);
  return (
    <div className="onboarding" data-testid="empty-state">
      <div className="onboarding-card">
        <h1>No telemetry yet</h1>
        <p className="lead">
          Point your OpenTelemetry exporters at Loupe — traces, logs and metrics over OTLP/HTTP (protobuf or JSON).
          Services appear here as soon as their first spans arrive.
        </p>
        <div className="codeblock-row">
          <pre className="codeblock" data-testid="otlp-endpoint">
            {envLine}
            {'\n'}OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
          </pre>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              void navigator.clipboard?.writeText(`${envLine}\nOTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf`).then(() => {
                setCopied(true);
                window.setTimeout(() => setCopied(false), 1500);
              });
            }}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
        <p className="muted small">
          SDKs send to <span className="mono">{endpoint}/v1/traces</span>, <span className="mono">/v1/logs</span> and{' '}
          <span className="mono">/v1/metrics</span>.
          {health.endpoints.otlpGrpc ? (
            <>
              {' '}
              gRPC exporters use <span className="mono">{health.endpoints.otlpGrpc}</span>.
            </>
          ) : (
            <> Use the http/protobuf or http/json protocol.</>
          )}
        </p>
        <div className="onboarding-actions">
          <button type="button" className="btn btn-primary btn-large" onClick={() => demo.mutate()} disabled={starting}>
            {starting ? <Spinner label="Starting demo…" /> : 'Start demo'}
          </button>
          <span className="muted">
            runs a small shop of instrumented services on this machine, or{' '}
            <button type="button" className="linklike" onClick={openFile}>
              import a file
            </button>{' '}
            (drop it anywhere).
          </span>
        </div>
        {demo.isError ? <div className="form-error">Could not start the demo: {(demo.error as Error).message}</div> : null}
        {starting ? <div className="muted small">Waiting for the first spans…</div> : null}
      </div>
    </div>
  );
}
