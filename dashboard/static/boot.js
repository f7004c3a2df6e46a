// Starts the Livedesk dashboard. Kept out of index.html so the page works under a strict
// Content-Security-Policy (script-src 'self' 'wasm-unsafe-eval', no inline scripts).
import init from '/dashboard/livedesk_dashboard.js';

init({ module_or_path: '/dashboard/livedesk_dashboard_bg.wasm' }).catch((error) => {
  console.error('Livedesk failed to start', error);
  const note = document.createElement('p');
  note.className = 'ld-noscript';
  note.textContent = 'Livedesk could not start in this browser. Please reload the page.';
  document.body.append(note);
});
