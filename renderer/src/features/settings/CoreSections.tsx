// The Settings sections about Loupe itself: theme, storage, retention, listeners and token.
// Everything but the theme is fixed for this run; each section says which flag changes it.
import { useState, type ReactNode } from 'react';
import { useApi } from '../../api/query';
import { ThemeSwitch } from '../../app/ThemeSwitch';
import { useTheme } from '../../app/theme';
import { formatBytes } from '../../ui/format';
import { ErrorBanner, SkeletonBlock } from '../../ui/states';

function useSettings() {
  return useApi('settings', {}, { tables: [] });
}

/** Renders the body once the settings have loaded (skeleton and error states shared). */
function WithSettings({ children }: { children: (s: NonNullable<ReturnType<typeof useSettings>['data']>) => ReactNode }) {
  const settings = useSettings();
  if (settings.isError) return <ErrorBanner error={settings.error} what="Could not read the settings" onRetry={() => void settings.refetch()} />;
  if (!settings.data) return <SkeletonBlock height={48} />;
  return <>{children(settings.data)}</>;
}

function Flag({ children }: { children: ReactNode }) {
  return <p className="muted small settings-flag">{children}</p>;
}

export function AppearanceSection() {
  const { pref, effective, setPref } = useTheme();
  return (
    <div className="settings-row">
      <ThemeSwitch pref={pref} setPref={setPref} />
      <span className="muted">{pref === 'system' ? `Following the system (now ${effective})` : pref === 'dark' ? 'Dark' : 'Light'}</span>
    </div>
  );
}

export function StorageSection() {
  return (
    <WithSettings>
      {(s) => (
        <>
          <dl className="facts settings-facts">
            <dt>Folder</dt>
            <dd className="mono" data-testid="settings-data-dir">
              {s.dataDir} <CopyButton text={s.dataDir} what="data directory" />
            </dd>
            <dt>Version</dt>
            <dd>{s.version}</dd>
          </dl>
          <Flag>
            Start with <span className="mono">loupe serve --data-dir &lt;folder&gt;</span> to use another folder.
          </Flag>
        </>
      )}
    </WithSettings>
  );
}

export function RetentionSection() {
  return (
    <WithSettings>
      {(s) => (
        <>
          <dl className="facts settings-facts" data-testid="settings-retention">
            <dt>Size cap</dt>
            <dd>{formatBytes(s.retention.maxSizeBytes)}</dd>
            <dt>Age cap</dt>
            <dd>{ageText(s.retention.maxAgeHours)} of spans, logs and metric points</dd>
            <dt>Rollups</dt>
            <dd>{s.retention.rollupMaxAgeDays} days of per-minute summaries (service list, map, SLOs)</dd>
          </dl>
          <Flag>
            Change with <span className="mono">--max-size-mb</span> and <span className="mono">--max-age-hours</span>; the oldest received data goes first.
          </Flag>
        </>
      )}
    </WithSettings>
  );
}

function ageText(hours: number): string {
  return hours % 24 === 0 ? `${hours / 24} ${hours === 24 ? 'day' : 'days'}` : `${hours} hours`;
}

export function ListenersSection() {
  return (
    <WithSettings>
      {(s) => (
        <>
          <dl className="facts settings-facts" data-testid="settings-listeners">
            <dt>OTLP/HTTP</dt>
            <dd className="mono">
              {s.listeners.otlpHttp} <CopyButton text={s.listeners.otlpHttp} what="OTLP/HTTP endpoint" />
            </dd>
            <dt>OTLP/gRPC</dt>
            <dd className="mono">{s.listeners.otlpGrpc ?? <span className="muted">off</span>}</dd>
            <dt>UI and API</dt>
            <dd className="mono">{s.listeners.ui}</dd>
          </dl>
          <Flag>
            Change with <span className="mono">--port</span>, <span className="mono">--otlp-http-port</span> and{' '}
            <span className="mono">--otlp-grpc-port</span> when Loupe starts.
          </Flag>
        </>
      )}
    </WithSettings>
  );
}

export function TokenSection() {
  const [shown, setShown] = useState(false);
  return (
    <WithSettings>
      {(s) => (
        <>
          <div className="settings-row">
            <span className="mono settings-token" data-testid="settings-token">
              {shown ? s.token : '•'.repeat(Math.min(24, s.token.length))}
            </span>
            <button type="button" className="btn btn-small" onClick={() => setShown((v) => !v)}>
              {shown ? 'Hide' : 'Show'}
            </button>
            <CopyButton text={s.token} what="session token" labelled />
          </div>
          <Flag>
            Send it as <span className="mono">Authorization: Bearer &lt;token&gt;</span>. A new one is made on every start unless{' '}
            <span className="mono">--token</span> fixes it.
          </Flag>
        </>
      )}
    </WithSettings>
  );
}

function CopyButton({ text, what, labelled = false }: { text: string; what: string; labelled?: boolean }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = () => {
    const done = (state: 'yes' | 'failed') => {
      setCopied(state);
      window.setTimeout(() => setCopied(null), 1500);
    };
    if (!navigator.clipboard) return done('failed');
    navigator.clipboard.writeText(text).then(
      () => done('yes'),
      () => done('failed'),
    );
  };
  const label = copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Copy failed' : 'Copy';
  return (
    <button type="button" className={labelled ? 'btn btn-small' : 'copy-btn settings-copy'} onClick={copy} aria-label={`Copy the ${what}`} title={`Copy the ${what}`}>
      {labelled ? label : copied === 'yes' ? '✓' : <CopyIcon />}
    </button>
  );
}

function CopyIcon() {
  return (
    <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden>
      <path d="M5.5 5.5h8v8h-8zM10.5 5.5v-3h-8v8h3" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round" />
    </svg>
  );
}
