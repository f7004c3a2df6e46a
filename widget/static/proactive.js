/*! Livedesk proactive invitations, loaded by loader.js only when the site's settings
    enable them. Each trigger fires at most once a session (of the tab), while the panel
    is closed. */
(() => {
  'use strict';
  const ctx = window.Livedesk && window.Livedesk._p;
  if (!ctx) return;
  const d = document;
  const w = window;
  const pc = ctx.cfg.proactiveChat;
  const triggers = pc.triggers || {};
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(`.ld-invite{position:fixed;right:20px;bottom:92px;z-index:var(--ld-z);display:flex;align-items:flex-start;max-width:280px;background:#fff;color:#111827;border-radius:12px;box-shadow:0 6px 24px rgba(0,0,0,.2);font:14px/1.4 system-ui,sans-serif}
.ld-left .ld-invite{right:auto;left:20px}
.ld-invite button{font:inherit;color:inherit;background:none;border:0;cursor:pointer}
.ld-invite button:focus-visible{outline:3px solid var(--ld-primary);outline-offset:2px}
.ld-invite-text{padding:12px 4px 12px 14px;text-align:left}.ld-invite-x{padding:6px 10px;font-size:18px}`);
    // Before the loader's sheet, so the site's customCSS (the last rules) still wins.
    ctx.shadow.adoptedStyleSheets = [sheet].concat(ctx.shadow.adoptedStyleSheets);
  } catch (e) { /* no constructed sheets: unstyled but usable */ }

  let invite = null;
  const hide = () => { if (invite) invite.remove(); invite = null; };
  const fire = (name) => {
    if (ctx.opened || ctx.store('p:' + name)) return;
    ctx.store('p:' + name, '1');
    if (invite) return;
    invite = d.createElement('div');
    invite.className = 'ld-invite';
    invite.setAttribute('role', 'status');
    invite.setAttribute('data-trigger', name);
    const text = d.createElement('button');
    text.type = 'button';
    text.className = 'ld-invite-text';
    text.textContent = pc.message || (ctx.lang === 'tr' ? '👋 Yardıma ihtiyacınız var mı?' : '👋 Need any help?');
    text.onclick = ctx.open;
    const x = d.createElement('button');
    x.type = 'button';
    x.className = 'ld-invite-x';
    x.setAttribute('aria-label', ctx.lang === 'tr' ? 'Kapat' : 'Dismiss');
    x.textContent = '×';
    x.onclick = hide;
    invite.append(text, x);
    ctx.wrap.appendChild(invite);
    ctx.hide = hide;
    ctx.emit('proactive', { trigger: name, message: text.textContent });
  };

  const start = Date.now();
  if (triggers.timeOnPage > 0) ctx.later(triggers.timeOnPage * 1000, () => fire('timeOnPage'));
  if (triggers.scrollPercentage > 0) {
    const check = () => {
      const max = d.documentElement.scrollHeight - w.innerHeight;
      if (max > 0 && (w.scrollY / max) * 100 >= triggers.scrollPercentage) fire('scrollPercentage');
    };
    ctx.listen(w, 'scroll', check, { passive: true });
    check();
  }
  if (triggers.exitIntent) {
    ctx.listen(d, 'mouseout', (e) => { if (!e.relatedTarget && e.clientY <= 0) fire('exitIntent'); });
  }
  if (triggers.pageVisibility) {
    ctx.listen(d, 'visibilitychange', () => { if (!d.hidden && Date.now() - start > 1000) fire('pageVisibility'); });
  }
  if (triggers.idle > 0) {
    let lastInput = start;
    const inputs = ['mousemove', 'keydown', 'scroll', 'touchstart', 'click'];
    for (let i = 0; i < inputs.length; i++) ctx.listen(w, inputs[i], () => { lastInput = Date.now(); }, { passive: true });
    ctx.every(1000, () => { if (Date.now() - lastInput >= triggers.idle * 1000) fire('idle'); });
  }
})();
