/*! Livedesk loader */
/* The Livedesk widget's loader, which runs in the host page. Only what must be there
   before the visitor opens the chat lives here: settings, the API, the launcher and the
   panel. The chat frame and what talks to it (page tracking, the unread badge, chime and
   notification) are bridge.js, fetched once the browser is idle or when the chat is
   needed; proactive invitations are proactive.js, fetched only for sites that use them.
   Both reach this file's state `x` through `_p`, a non-enumerable property of
   window.Livedesk. Written for pages whose built-ins an old library has patched: no JSON
   but JSON.parse, no for-in, no prototype methods the page could have replaced. */
(() => {
  'use strict';
  const w = window;
  const d = document;
  const stub = w.Livedesk;
  if (stub && stub.version) return; // loaded twice

  const script = d.currentScript || d.querySelector('script[src*="/widget/loader.js"]');
  if (!script) return;
  const origin = new URL(script.src, location.href).origin;
  // Settings: window.LivedeskConfig, or (for pages whose CSP forbids inline scripts) a
  // JSON object in data-config; data-site-key wins over both.
  let cfg = w.LivedeskConfig || {};
  try { const c = script.getAttribute('data-config'); if (c) cfg = JSON.parse(c) || cfg; } catch (e) { /* ignored */ }
  const lang = /^tr\b/i.test(cfg.lang || d.documentElement.lang || navigator.language || '') ? 'tr' : 'en';
  const t = lang === 'tr'
    ? { open: 'Canlı desteği aç', close: 'Sohbeti kapat', frame: 'Canlı destek' }
    : { open: 'Open live chat', close: 'Close chat', frame: 'Live chat' };
  const color = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(cfg.primaryColor) ? cfg.primaryColor : '#4F46E5';
  const store = (k, v) => {
    try {
      if (v === undefined) return sessionStorage.getItem('livedesk:' + k);
      sessionStorage.setItem('livedesk:' + k, v);
    } catch (e) { /* storage blocked */ }
    return null;
  };

  let handlers = {};
  let host, shadow, wrap, launcher, panel, bridged;
  const cleanups = [];
  const listen = (target, kind, fn, opt) => {
    target.addEventListener(kind, fn, opt);
    cleanups.push(() => target.removeEventListener(kind, fn, opt));
  };
  const emit = (event, arg) => {
    const list = (handlers[event] || []).slice();
    for (let i = 0; i < list.length; i++) {
      try { list[i](arg); } catch (e) { console.error('[livedesk] ' + event + ' handler failed', e); }
    }
  };
  // `build-web` puts the script's hash in `name` (`load('bridge')` → 'bridge.<hash>').
  const load = (name) => {
    const s = d.createElement('script');
    s.src = origin + '/widget/' + name + '.js';
    s.async = true;
    d.head.appendChild(s);
  };

  // What bridge.js and proactive.js share with this file. `ready` is set once the frame
  // said so; until then `send` and `identify` wait in `outbox`. bridge.js sets `frame` and
  // `seen` (clears the unread count), proactive.js `hide` (removes the invitation).
  const x = {
    cfg, origin, lang, t, color, store, emit, listen,
    siteKey: script.getAttribute('data-site-key') || cfg.siteKey || '',
    every: (ms, fn) => { const id = setInterval(fn, ms); cleanups.push(() => clearInterval(id)); },
    later: (ms, fn) => { const id = setTimeout(fn, ms); cleanups.push(() => clearTimeout(id)); },
    open: () => setOpen(true),
    close: () => setOpen(false),
    opened: false, ready: false, unread: 0, visitorId: null, outbox: [],
    post: (m) => {
      if (x.ready) x.frame.contentWindow.postMessage(m, origin);
      else if (m.ld === 'send' || m.ld === 'identify') x.outbox.push(m);
    },
  };

  // The frame comes with bridge.js, fetched once mounted and first needed.
  const needFrame = () => {
    if (bridged || !panel) return;
    bridged = true;
    load('bridge');
  };

  const setOpen = (open) => {
    open = !!open;
    if (open === x.opened) return;
    x.opened = open;
    if (!wrap) return; // applied when mounted
    needFrame();
    if (x.hide) x.hide();
    x.hide = null;
    wrap.classList.toggle('ld-open', open);
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? t.close : t.open);
    store('open', open ? '1' : '');
    if (open) {
      if (x.seen) x.seen();
      if (x.frame) x.frame.focus(); // else bridge.js focuses it
    } else if (shadow.activeElement === x.frame) {
      launcher.focus();
    }
    x.post({ ld: open ? 'open' : 'closed' });
    emit(open ? 'open' : 'close');
  };

  const svg = (path, cls) => {
    const ns = 'http://www.w3.org/2000/svg';
    const s = d.createElementNS(ns, 'svg');
    s.setAttribute('viewBox', '0 0 24 24');
    s.setAttribute('class', cls);
    s.setAttribute('aria-hidden', 'true');
    const p = d.createElementNS(ns, 'path');
    p.setAttribute('d', path);
    s.appendChild(p);
    return s;
  };

  const CSS = `:host{all:initial}
.ld-launcher,.ld-panel{position:fixed;right:20px;z-index:var(--ld-z)}
.ld-left .ld-launcher,.ld-left .ld-panel{right:auto;left:20px}
.ld-launcher{bottom:20px;width:60px;height:60px;padding:0;border:0;border-radius:50%;background:var(--ld-primary);color:var(--ld-on);box-shadow:0 4px 16px rgba(0,0,0,.25);cursor:pointer;display:flex;align-items:center;justify-content:center}
.ld-launcher:focus-visible{outline:3px solid var(--ld-primary);outline-offset:3px}
.ld-launcher svg{width:28px;height:28px;fill:currentColor}
.ld-open .ld-i-chat,.ld-i-x{display:none}.ld-open .ld-i-x{display:block}
.ld-panel{bottom:92px;width:370px;height:580px;max-height:calc(100vh - 112px);border-radius:16px;overflow:hidden;background:#fff;box-shadow:0 12px 48px rgba(0,0,0,.25);display:none}
.ld-open .ld-panel{display:block}
iframe{display:block;width:100%;height:100%;border:0}
@media (max-width:480px){.ld-panel,.ld-left .ld-panel{inset:0;width:100%;height:100%;max-height:none;border-radius:0}.ld-open .ld-launcher{display:none}}
@media (prefers-reduced-motion:no-preference){.ld-launcher{transition:transform .15s}.ld-launcher:hover{transform:scale(1.06)}.ld-open .ld-panel{animation:ld-pop .2s ease-out}@keyframes ld-pop{from{opacity:0;transform:translateY(12px)}}}`;

  const mount = () => {
    host = d.createElement('div');
    host.id = 'livedesk-root';
    host.style.setProperty('all', 'initial', 'important');
    shadow = x.shadow = host.attachShadow({ mode: 'open' });
    // A constructed sheet, not a <style>: a strict style-src on the page does not apply.
    // The lazy files put their sheets before it, so the site's customCSS comes last.
    const css = CSS + (typeof cfg.customCSS === 'string' ? cfg.customCSS : '');
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      shadow.adoptedStyleSheets = [sheet];
    } catch (e) {
      const style = d.createElement('style');
      style.textContent = css;
      shadow.appendChild(style);
    }
    wrap = x.wrap = d.createElement('div');
    wrap.className = cfg.position === 'left' ? 'ld-left' : '';
    const h = color.slice(1);
    const c = parseInt(h.length === 3 ? h.replace(/./g, '$&$&') : h, 16);
    const light = 0.2126 * (c >> 16) + 0.7152 * ((c >> 8) & 255) + 0.0722 * (c & 255) > 160;
    wrap.style.cssText = '--ld-primary:' + color + ';--ld-on:' + (light ? '#111827' : '#fff') +
      ';--ld-z:' + (Number.isInteger(cfg.zIndex) ? cfg.zIndex : 2147483000);

    launcher = x.launcher = d.createElement('button');
    launcher.type = 'button';
    launcher.className = 'ld-launcher';
    launcher.setAttribute('aria-label', t.open);
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', 'ld-panel');
    launcher.append(
      svg('M12 3C6.5 3 2 6.9 2 11.7c0 2.6 1.3 4.9 3.4 6.5L4.6 22l4.2-2.2c1 .3 2.1.4 3.2.4 5.5 0 10-3.9 10-8.6S17.5 3 12 3z', 'ld-i-chat'),
      svg('M18.3 5.7a1 1 0 00-1.4 0L12 10.6 7.1 5.7a1 1 0 10-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 101.4 1.4l4.9-4.9 4.9 4.9a1 1 0 001.4-1.4L13.4 12l4.9-4.9a1 1 0 000-1.4z', 'ld-i-x'),
    );
    launcher.onclick = () => setOpen(!x.opened);

    panel = d.createElement('div');
    panel.className = 'ld-panel';
    panel.id = 'ld-panel';
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', t.frame);
    x.panel = panel;
    wrap.append(launcher, panel);
    shadow.appendChild(wrap);
    d.body.appendChild(host);
    listen(d, 'keydown', (e) => { if (e.key === 'Escape' && x.opened) setOpen(false); });

    if (x.opened || store('open') === '1') {
      x.opened = false;
      setOpen(true);
    }
    const idle = () => (w.requestIdleCallback || ((fn) => setTimeout(fn, 1500)))(needFrame);
    if (d.readyState === 'complete') idle();
    else listen(w, 'load', idle);
    if ((cfg.proactiveChat || {}).enabled) load('proactive');
  };

  const api = {
    version: 1,
    open: x.open,
    close: x.close,
    toggle: () => setOpen(!x.opened),
    isOpen: () => x.opened,
    sendMessage(text) {
      text = String(text == null ? '' : text).trim();
      if (!text) return false;
      needFrame();
      x.post({ ld: 'send', text });
      return true;
    },
    updateVisitor(v) {
      if (!v || typeof v !== 'object') return false;
      const s = (y) => (y == null ? null : String(y));
      const custom = {};
      const data = v.customData && typeof v.customData === 'object' ? v.customData : {};
      const keys = Object.keys(data);
      for (let i = 0; i < keys.length; i++) custom[keys[i]] = s(data[keys[i]]);
      needFrame();
      x.post({ ld: 'identify', name: s(v.name), email: s(v.email), phone: s(v.phone), customData: custom });
      return true;
    },
    getUnreadCount: () => x.unread,
    getVisitorId: () => x.visitorId,
    on(event, fn) {
      if (typeof fn !== 'function') return;
      (handlers[event] = handlers[event] || []).push(fn);
      if (event === 'ready' && x.ready) setTimeout(() => fn({ visitorId: x.visitorId }));
    },
    off(event, fn) {
      const list = handlers[event] || [];
      const i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
    },
    shutdown() {
      for (let i = 0; i < cleanups.length; i++) cleanups[i]();
      cleanups.length = 0;
      if (host) host.remove();
      host = wrap = panel = x.panel = x.frame = null;
      handlers = {};
      x.ready = false;
      if (w.Livedesk === api) delete w.Livedesk;
    },
  };
  Object.defineProperty(api, '_p', { value: x });
  w.Livedesk = api;

  const hooks = { onReady: 'ready', onOpen: 'open', onClose: 'close', onMessageSent: 'message:sent', onMessageReceived: 'message:received', onChatStarted: 'chat:started', onChatEnded: 'chat:ended', onCallStarted: 'call:started', onCallEnded: 'call:ended' };
  const names = Object.keys(hooks);
  for (let i = 0; i < names.length; i++) api.on(hooks[names[i]], cfg[names[i]]);

  // Calls made before the loader ran, by the stub of the snippet:
  // window.Livedesk = {q: [[method, arguments], ...]}.
  const queued = (stub && stub.q) || [];
  for (let i = 0; i < queued.length; i++) {
    const call = queued[i];
    const args = call[1] && typeof call[1] === 'object' && 'length' in call[1]
      ? Array.prototype.slice.call(call[1]) : Array.prototype.slice.call(call, 1);
    if (typeof api[call[0]] === 'function') api[call[0]].apply(api, args);
  }

  if (d.body) mount();
  else listen(d, 'DOMContentLoaded', mount);
})();
