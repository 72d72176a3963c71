// An overview of the whole trace above the waterfall: every span as a thin line in its service
// colour (drawn on a canvas, so 10,000 spans cost one paint), in the waterfall's own columns so
// its times line up with the bars below. Dragging selects a time range and
// the waterfall's axis zooms to it; dragging inside the selection pans it; Reset shows it all.
import { useEffect, useLayoutEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { serviceColor } from '../../ui/colors';
import { formatDuration } from '../../ui/format';
import type { TraceModel } from './trace-model';
import type { TimeView } from './Waterfall';

const HEIGHT = 52;

export function TraceMinimap({
  model,
  view,
  onView,
  critical,
}: {
  model: TraceModel;
  view: TimeView;
  onView: (v: TimeView | null) => void;
  critical?: Map<string, Array<[number, number]>> | null;
}) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const theme = useThemeKey();
  const [drag, setDrag] = useState<{ a: number; b: number } | null>(null);
  const total = model.durationMs || 1;

  useLayoutEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const c = canvas.current;
    if (!c || width === 0) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(width * dpr);
    c.height = Math.round(HEIGHT * dpr);
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);
    const colors = resolveColors(model.services.map((s) => s.name));
    const n = model.order.length;
    const rowH = Math.max(HEIGHT / Math.max(n, 1), 0.5);
    const barH = Math.max(1, Math.min(4, rowH - (rowH > 3 ? 1 : 0)));
    for (let i = 0; i < n; i++) {
      const node = model.order[i];
      const x = (node.offsetMs / total) * width;
      const w = Math.max(1, (node.durationMs / total) * width);
      const y = (i / n) * (HEIGHT - barH);
      ctx.fillStyle = node.span.isError ? colors.error : (colors.services.get(node.span.service) ?? colors.text);
      ctx.fillRect(x, y, w, barH);
    }
    if (critical) {
      ctx.fillStyle = colors.text;
      for (const [id, segs] of critical) {
        const node = model.byId.get(id);
        if (!node) continue;
        const y = (node.index / n) * (HEIGHT - barH) + barH / 2 - 0.75;
        for (const [a, b] of segs) ctx.fillRect((a / total) * width, y, Math.max(1, ((b - a) / total) * width), 1.5);
      }
    }
  }, [model, width, total, theme, critical]);

  const toMs = (clientX: number) => {
    const r = wrap.current!.getBoundingClientRect();
    return Math.max(0, Math.min(total, ((clientX - r.left) / r.width) * total));
  };
  const zoomed = view.from > 0 || view.to < model.durationMs;

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    const start = toMs(e.clientX);
    const inside = zoomed && start >= view.from && start <= view.to;
    const width0 = view.to - view.from;
    const target = e.currentTarget;
    target.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent) => {
      const at = toMs(ev.clientX);
      if (inside) {
        const from = Math.max(0, Math.min(total - width0, view.from + (at - start)));
        onView({ from, to: from + width0 });
      } else setDrag({ a: start, b: at });
    };
    const up = (ev: PointerEvent) => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
      if (inside) return;
      setDrag(null);
      const at = toMs(ev.clientX);
      const from = Math.min(start, at);
      const to = Math.max(start, at);
      // A click (no drag) is not a selection.
      if ((to - from) / total > 0.004) onView({ from, to });
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  };

  const sel = drag ? { from: Math.min(drag.a, drag.b), to: Math.max(drag.a, drag.b) } : zoomed ? view : null;
  const pct = (ms: number) => `${(ms / total) * 100}%`;
  return (
    <>
      <div className="minimap-info wf-name-col">
        {zoomed ? (
          <>
            <span className="mono small">
              {formatDuration(view.from)} – {formatDuration(view.to)}
            </span>
            <span className="muted small">({formatDuration(view.to - view.from)} of {formatDuration(model.durationMs)})</span>
            <button type="button" className="btn btn-small" onClick={() => onView(null)} data-testid="zoom-reset">
              Reset zoom
            </button>
          </>
        ) : (
          <span className="muted small">Overview · drag to zoom</span>
        )}
      </div>
      <div
        className={`minimap-canvas${zoomed ? ' minimap-zoomed' : ''}`}
        data-testid="trace-minimap"
        ref={wrap}
        onPointerDown={onPointerDown}
        role="slider"
        aria-label="Trace overview: drag to zoom the timeline"
        aria-valuemin={0}
        aria-valuemax={Math.round(total)}
        aria-valuenow={Math.round(view.from)}
        aria-valuetext={`${formatDuration(view.from)} to ${formatDuration(view.to)}`}
      >
        <canvas ref={canvas} style={{ width: '100%', height: HEIGHT }} />
        {sel ? (
          <>
            <span className="minimap-shade" style={{ left: 0, width: pct(sel.from) }} />
            <span className="minimap-shade" style={{ left: pct(sel.to), right: 0 }} />
            <span className="minimap-window" style={{ left: pct(sel.from), width: pct(sel.to - sel.from) }} />
          </>
        ) : null}
      </div>
    </>
  );
}

/** Changes when the theme does, so canvas colours are resolved again. */
function useThemeKey(): string {
  const [theme, setTheme] = useState(() => document.documentElement.getAttribute('data-theme') ?? '');
  useEffect(() => {
    const mo = new MutationObserver(() => setTheme(document.documentElement.getAttribute('data-theme') ?? ''));
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => mo.disconnect();
  }, []);
  return theme;
}

/** Service colours are CSS expressions over theme variables; a canvas needs them computed. */
function resolveColors(services: string[]): { services: Map<string, string>; error: string; text: string } {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  document.body.appendChild(probe);
  const read = (css: string) => {
    probe.style.color = '';
    probe.style.color = css;
    return getComputedStyle(probe).color;
  };
  const out = new Map<string, string>();
  for (const s of services) out.set(s, read(serviceColor(s)));
  const result = { services: out, error: read('var(--error)'), text: read('var(--text-strong)') };
  probe.remove();
  return result;
}
