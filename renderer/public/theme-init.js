// Runs before the first paint so the page never flashes the wrong theme.
(function () {
  var pref = 'system';
  try {
    pref = localStorage.getItem('loupe.theme') || 'system';
  } catch (e) {
    /* storage unavailable */
  }
  var dark = pref === 'dark' || (pref !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
})();
