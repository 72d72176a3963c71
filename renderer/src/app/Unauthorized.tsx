export function Unauthorized() {
  return (
    <div className="fullpage">
      <div className="fullpage-card">
        <div className="brand brand-large">
          <Logo />
          <span>Loupe</span>
        </div>
        <h1>This window is not signed in</h1>
        <p>
          Open Loupe through the URL printed by <code>loupe serve</code>. It carries a one-time session token, for example:
        </p>
        <pre className="codeblock">http://127.0.0.1:7600/?token=…</pre>
        <p className="muted">The token keeps other web pages and local programs from reading your telemetry.</p>
      </div>
    </div>
  );
}

export function Logo({ size = 20 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden>
      <circle cx="13" cy="13" r="8.5" fill="none" stroke="var(--accent)" strokeWidth="3.2" />
      <path d="M19.5 19.5l7 7" stroke="var(--accent)" strokeWidth="3.6" strokeLinecap="round" />
      <path d="M9 14.5l2.5-3 2.5 2 3-4" fill="none" stroke="var(--warn)" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
