// Dark, light or follow the system; saved in localStorage and applied to <html data-theme>.
// public/theme-init.js applies the same rule before the first paint.
import { useCallback, useEffect, useState } from 'react';

export type ThemePref = 'dark' | 'light' | 'system';
const KEY = 'loupe.theme';
const media = () => window.matchMedia('(prefers-color-scheme: dark)');

export function readThemePref(): ThemePref {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'dark' || v === 'light' ? v : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(pref: ThemePref): 'dark' | 'light' {
  const effective = pref === 'system' ? (media().matches ? 'dark' : 'light') : pref;
  document.documentElement.setAttribute('data-theme', effective);
  return effective;
}

export function useTheme(): { pref: ThemePref; effective: 'dark' | 'light'; setPref: (p: ThemePref) => void } {
  const [pref, setPrefState] = useState<ThemePref>(readThemePref);
  const [effective, setEffective] = useState<'dark' | 'light'>(() => applyTheme(readThemePref()));
  useEffect(() => {
    setEffective(applyTheme(pref));
    if (pref !== 'system') return;
    const m = media();
    const onChange = () => setEffective(applyTheme('system'));
    m.addEventListener('change', onChange);
    return () => m.removeEventListener('change', onChange);
  }, [pref]);
  const setPref = useCallback((p: ThemePref) => {
    try {
      localStorage.setItem(KEY, p);
    } catch {
      // storage unavailable: the choice lasts for this window
    }
    setPrefState(p);
  }, []);
  return { pref, effective, setPref };
}
