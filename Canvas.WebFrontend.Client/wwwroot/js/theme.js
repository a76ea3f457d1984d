// Runs in <head> before the first paint, so a dark page never flashes light: the remembered choice, else the system's.
(() => {
  const key = 'canvas.theme';
  const system = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = () => {
    const chosen = localStorage.getItem(key);
    document.documentElement.dataset.theme = chosen === 'light' || chosen === 'dark' ? chosen : (system.matches ? 'dark' : 'light');
  };
  apply();
  system.addEventListener('change', apply);
  window.canvasTheme = {
    current: () => document.documentElement.dataset.theme,
    choose(theme) { localStorage.setItem(key, theme); apply(); return theme; },
  };
})();
