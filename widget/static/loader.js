/*! Livedesk widget loader. Runs in the host page: the launcher bubble, the chat frame and
    the public window.Livedesk API. The chat itself runs in the frame, on our origin. */
(() => {
  'use strict';
  const w = window;
  const d = document;
  const stub = w.Livedesk;
  if (stub && stub.version) return; // loaded twice

  const script = d.currentScript ||
    [].find.call(d.scripts, (s) => /\/widget\/loader\.js([?#]|$)/.test(s.src));
  if (!script) return;
  const origin = new URL(script.src, location.href).origin;
  const siteKey = script.getAttribute('data-site-key') || '';
  const cfg = w.LivedeskConfig || {};
  const lang = /^tr\b/i.test(cfg.lang || d.documentElement.lang || '') ? 'tr' : 'en';
  const t = lang === 'tr'
    ? { open: 'Canlı desteği aç', close: 'Sohbeti kapat', frame: 'Canlı destek', unread: 'okunmamış mesaj' }
    : { open: 'Open live chat', close: 'Close chat', frame: 'Live chat', unread: 'unread messages' };
  const color = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(cfg.primaryColor) ? cfg.primaryColor : '#4F46E5';
  const zIndex = Number.isInteger(cfg.zIndex) ? cfg.zIndex : 2147483000;

  const handlers = {};
  const outbox = []; // frame messages waiting for the frame's `ready`
  let opened = false;
  let ready = false;
  let unread = 0;
  let visitorId = null;
  let shadow, wrap, launcher, badge, panel, frame;

  const emit = (event, arg) => (handlers[event] || []).slice().forEach((fn) => {
    try { fn(arg); } catch (e) { console.error('[livedesk] ' + event + ' handler failed', e); }
  });

  const post = (msg) => {
    if (ready) frame.contentWindow.postMessage(msg, origin);
    else if (msg.ld === 'send') outbox.push(msg);
  };

  const setUnread = (n) => {
    if (n === unread) return;
    unread = n;
    if (badge) {
      badge.textContent = n > 9 ? '9+' : String(n);
      badge.hidden = !n;
      launcher.setAttribute('aria-label', t.open + (n ? ' (' + n + ' ' + t.unread + ')' : ''));
    }
    emit('unread:changed', n);
  };

  const ensureFrame = () => {
    if (frame || !panel) return;
    const q = new URLSearchParams({ site_key: siteKey, lang, color });
    if (cfg.welcomeMessage) q.set('welcome', cfg.welcomeMessage);
    if (cfg.placeholderText) q.set('placeholder', cfg.placeholderText);
    frame = d.createElement('iframe');
    frame.id = 'livedesk-frame';
    frame.title = t.frame;
    frame.src = origin + '/widget/frame?' + q;
    frame.allow = 'microphone; camera; display-capture; clipboard-write';
    panel.appendChild(frame);
  };

  const setOpen = (open) => {
    open = !!open;
    if (open === opened) return;
    opened = open;
    if (!wrap) return; // applied when mounted
    ensureFrame();
    wrap.classList.toggle('ld-open', open);
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? t.close : t.open);
    try { sessionStorage.setItem('ld:open', open ? '1' : ''); } catch (e) { /* storage blocked */ }
    if (open) {
      setUnread(0);
      frame.focus();
    } else if (shadow.activeElement === frame) {
      launcher.focus();
    }
    post({ ld: open ? 'open' : 'closed' });
    emit(open ? 'open' : 'close');
  };

  const onFrameMessage = (e) => {
    if (e.origin !== origin || !frame || e.source !== frame.contentWindow) return;
    const m = e.data || {};
    if (m.ld === 'ready') {
      visitorId = m.visitorId || null;
      if (ready) return;
      ready = true;
      post({ ld: opened ? 'open' : 'closed' });
      outbox.splice(0).forEach(post);
      emit('ready', { visitorId });
    } else if (m.ld === 'close') {
      setOpen(false);
    } else if (m.ld === 'message') {
      if (!opened) setUnread(unread + 1);
      emit('message:received', m.message);
    } else if (m.ld === 'sent') {
      emit('message:sent', m.message);
    }
  };

  const svg = (d1, cls) => {
    const ns = 'http://www.w3.org/2000/svg';
    const s = d.createElementNS(ns, 'svg');
    s.setAttribute('viewBox', '0 0 24 24');
    s.setAttribute('class', cls);
    s.setAttribute('aria-hidden', 'true');
    const p = d.createElementNS(ns, 'path');
    p.setAttribute('d', d1);
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
.ld-badge{position:absolute;top:-3px;right:-3px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;border-radius:10px;background:#dc2626;color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center}
.ld-badge[hidden]{display:none}
.ld-panel{bottom:92px;width:370px;height:580px;max-height:calc(100vh - 112px);border-radius:16px;overflow:hidden;background:#fff;box-shadow:0 12px 48px rgba(0,0,0,.25);display:none}
.ld-open .ld-panel{display:block}
iframe{display:block;width:100%;height:100%;border:0}
@media (max-width:480px){.ld-panel,.ld-left .ld-panel{inset:0;width:100%;height:100%;max-height:none;border-radius:0}.ld-open .ld-launcher{display:none}}
@media (prefers-reduced-motion:no-preference){.ld-launcher{transition:transform .15s}.ld-launcher:hover{transform:scale(1.06)}}`;

  const mount = () => {
    const host = d.createElement('div');
    host.id = 'livedesk-root';
    host.style.setProperty('all', 'initial', 'important');
    const root = shadow = host.attachShadow({ mode: 'open' });
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      const style = d.createElement('style');
      style.textContent = CSS;
      root.appendChild(style);
    }
    wrap = d.createElement('div');
    wrap.className = cfg.position === 'left' ? 'ld-left' : '';
    wrap.style.setProperty('--ld-primary', color);
    wrap.style.setProperty('--ld-z', String(zIndex));
    const hex = color.slice(1);
    const c = parseInt(hex.length === 3 ? hex.replace(/./g, '$&$&') : hex, 16);
    const light = 0.2126 * (c >> 16) + 0.7152 * ((c >> 8) & 255) + 0.0722 * (c & 255) > 160;
    wrap.style.setProperty('--ld-on', light ? '#111827' : '#fff');

    launcher = d.createElement('button');
    launcher.type = 'button';
    launcher.className = 'ld-launcher';
    launcher.setAttribute('aria-label', t.open);
    launcher.setAttribute('aria-expanded', 'false');
    launcher.append(
      svg('M12 3C6.5 3 2 6.9 2 11.7c0 2.6 1.3 4.9 3.4 6.5L4.6 22l4.2-2.2c1 .3 2.1.4 3.2.4 5.5 0 10-3.9 10-8.6S17.5 3 12 3z', 'ld-i-chat'),
      svg('M18.3 5.7a1 1 0 00-1.4 0L12 10.6 7.1 5.7a1 1 0 10-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 101.4 1.4l4.9-4.9 4.9 4.9a1 1 0 001.4-1.4L13.4 12l4.9-4.9a1 1 0 000-1.4z', 'ld-i-x'),
    );
    badge = d.createElement('span');
    badge.className = 'ld-badge';
    badge.hidden = true;
    launcher.appendChild(badge);
    launcher.addEventListener('click', () => setOpen(!opened));

    panel = d.createElement('div');
    panel.className = 'ld-panel';
    wrap.append(launcher, panel);
    root.appendChild(wrap);
    d.body.appendChild(host);
    w.addEventListener('message', onFrameMessage);

    let again = false;
    try { again = sessionStorage.getItem('ld:open') === '1'; } catch (e) { /* storage blocked */ }
    if (opened || again) {
      opened = false;
      setOpen(true);
    }
    if (unread) setUnread(unread); // badge for messages counted before mounting
    const idle = () => (w.requestIdleCallback || ((fn) => setTimeout(fn, 1500)))(ensureFrame);
    if (d.readyState === 'complete') idle();
    else w.addEventListener('load', idle);
  };

  const api = {
    version: 1,
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!opened),
    isOpen: () => opened,
    sendMessage(text) {
      text = String(text == null ? '' : text).trim();
      if (!text) return false;
      ensureFrame();
      post({ ld: 'send', text });
      return true;
    },
    getUnreadCount: () => unread,
    getVisitorId: () => visitorId,
    on(event, fn) {
      if (typeof fn !== 'function') return;
      (handlers[event] = handlers[event] || []).push(fn);
      if (event === 'ready' && ready) setTimeout(() => fn({ visitorId }));
    },
    off(event, fn) {
      const list = handlers[event] || [];
      const i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
    },
  };
  w.Livedesk = api;

  const hooks = { onReady: 'ready', onOpen: 'open', onClose: 'close', onMessageSent: 'message:sent', onMessageReceived: 'message:received' };
  Object.keys(hooks).forEach((k) => api.on(hooks[k], cfg[k]));

  // Calls made before the loader ran: window.Livedesk = {q: [[method, args], ...]}.
  ((stub && stub.q) || []).forEach((call) => {
    const args = call[1] && typeof call[1] === 'object' && 'length' in call[1]
      ? [].slice.call(call[1]) : [].slice.call(call, 1);
    if (typeof api[call[0]] === 'function') api[call[0]].apply(api, args);
  });

  if (d.body) mount();
  else d.addEventListener('DOMContentLoaded', mount);
})();
