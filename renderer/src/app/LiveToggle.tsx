import { useLive } from '../api/live';

export function LiveToggle() {
  const { live, allowed, setLive, status } = useLive();
  const title = !allowed
    ? 'Live updates follow relative time ranges; pick "Last …" to turn them on'
    : live
      ? status === 'open'
        ? 'Live: pages refresh as data arrives. Click to pause.'
        : 'Live: connecting to the event stream…'
      : 'Paused: click to refresh pages as data arrives';
  return (
    <button
      type="button"
      className={`btn live-btn${live ? ' live-on' : ''}${live && status !== 'open' ? ' live-wait' : ''}`}
      aria-pressed={live}
      disabled={!allowed}
      onClick={() => setLive(!live)}
      title={title}
    >
      <span className="live-dot" aria-hidden />
      {live ? 'Live' : 'Paused'}
    </button>
  );
}
