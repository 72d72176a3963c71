// Settings: one page of sections (see sections.tsx), with a table of contents that follows
// the URL's #anchor so a section can be linked to.
import { useEffect } from 'react';
import { useLocation } from 'react-router-dom';
import { SETTINGS_SECTIONS } from './sections';
import './settings.css';

export function SettingsPage() {
  const { hash } = useLocation();
  useEffect(() => {
    if (hash) document.getElementById(`settings-${hash.slice(1)}`)?.scrollIntoView({ block: 'start' });
  }, [hash]);
  return (
    <div className="page-pad settings-page">
      <div className="page-head">
        <div>
          <h1>Settings</h1>
          <div className="page-sub">
            <span>How this Loupe runs and where it reads from</span>
          </div>
        </div>
      </div>
      <div className="settings-layout">
        <nav className="settings-toc" aria-label="Settings sections">
          {SETTINGS_SECTIONS.map((s) => (
            <a key={s.id} href={`#${s.id}`} className={`settings-toc-item${hash === `#${s.id}` ? ' settings-toc-active' : ''}`}>
              {s.title}
            </a>
          ))}
        </nav>
        <div className="settings-sections">
          {SETTINGS_SECTIONS.map((s) => (
            <section key={s.id} id={`settings-${s.id}`} className="settings-section" aria-labelledby={`settings-${s.id}-title`}>
              <header className="settings-section-head">
                <h2 id={`settings-${s.id}-title`}>{s.title}</h2>
                <p className="muted small">{s.about}</p>
              </header>
              <div className="settings-section-body">
                <s.component />
              </div>
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}
