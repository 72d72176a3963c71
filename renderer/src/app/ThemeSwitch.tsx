import type { ThemePref } from './theme';

const OPTIONS: Array<{ id: ThemePref; label: string; icon: string }> = [
  { id: 'light', label: 'Light theme', icon: 'M8 3.2V1.5M8 14.5v-1.7M3.2 8H1.5M14.5 8h-1.7M4.6 4.6 3.4 3.4M12.6 12.6l-1.2-1.2M4.6 11.4l-1.2 1.2M12.6 3.4l-1.2 1.2' },
  { id: 'dark', label: 'Dark theme', icon: 'M13.5 9.5A5.6 5.6 0 0 1 6.5 2.5a5.6 5.6 0 1 0 7 7Z' },
  { id: 'system', label: 'Follow the system', icon: 'M2 3.5h12v7.5H2zM6 14h4M8 11v3' },
];

export function ThemeSwitch({ pref, setPref }: { pref: ThemePref; setPref: (p: ThemePref) => void }) {
  return (
    <div className="segmented" role="radiogroup" aria-label="Theme">
      {OPTIONS.map((o) => (
        <button
          key={o.id}
          type="button"
          role="radio"
          aria-checked={pref === o.id}
          aria-label={o.label}
          title={o.label}
          className={`seg${pref === o.id ? ' seg-active' : ''}`}
          onClick={() => setPref(o.id)}
        >
          <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden>
            {o.id === 'light' ? <circle cx="8" cy="8" r="3" fill="none" stroke="currentColor" strokeWidth="1.5" /> : null}
            <path d={o.icon} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </button>
      ))}
    </div>
  );
}
