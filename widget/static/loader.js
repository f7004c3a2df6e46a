/*! Livedesk widget loader. Runs in the host page: the launcher, the chat frame, page
    tracking, proactive invitations and the public window.Livedesk API. The chat itself
    runs in the frame, on our origin. Written for pages whose built-ins an old library has
    patched: no JSON, no for-in, no prototype methods the page could have replaced. */
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
  const siteKey = script.getAttribute('data-site-key') || cfg.siteKey || '';
  const lang = /^tr\b/i.test(cfg.lang || d.documentElement.lang || navigator.language || '') ? 'tr' : 'en';
  const t = lang === 'tr'
    ? { open: 'Canlı desteği aç', close: 'Sohbeti kapat', frame: 'Canlı destek', unread: 'okunmamış mesaj', dismiss: 'Kapat' }
    : { open: 'Open live chat', close: 'Close chat', frame: 'Live chat', unread: 'unread messages', dismiss: 'Dismiss' };
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;
  const color = hex.test(cfg.primaryColor) ? cfg.primaryColor : '#4F46E5';
  const zIndex = Number.isInteger(cfg.zIndex) ? cfg.zIndex : 2147483000;
  const features = cfg.features || {};
  const store = (k, v) => {
    try {
      if (v === undefined) return sessionStorage.getItem('livedesk:' + k);
      sessionStorage.setItem('livedesk:' + k, v);
    } catch (e) { /* storage blocked */ }
    return null;
  };

  let handlers = {};
  let outbox = []; // frame messages waiting for the frame's `ready`
  let opened = false;
  let ready = false;
  let unread = 0;
  let visitorId = null;
  let host, shadow, wrap, launcher, badge, panel, frame;
  const cleanups = [];
  const listen = (target, kind, fn, opt) => {
    target.addEventListener(kind, fn, opt);
    cleanups.push(() => target.removeEventListener(kind, fn, opt));
  };
  const every = (ms, fn) => { const id = setInterval(fn, ms); cleanups.push(() => clearInterval(id)); };
  const later = (ms, fn) => { const id = setTimeout(fn, ms); cleanups.push(() => clearTimeout(id)); };

  const emit = (event, arg) => {
    const list = (handlers[event] || []).slice();
    for (let i = 0; i < list.length; i++) {
      try { list[i](arg); } catch (e) { console.error('[livedesk] ' + event + ' handler failed', e); }
    }
  };

  const post = (msg) => {
    if (ready) frame.contentWindow.postMessage(msg, origin);
    else if (msg.ld === 'send' || msg.ld === 'identify') outbox.push(msg);
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

  // Settings the frame needs beyond its URL (structured clone: functions are left out).
  const frameConfig = () => ({
    ld: 'config',
    agentName: cfg.agentName, agentAvatar: cfg.agentAvatar, customCSS: cfg.customCSS,
    preChat: cfg.preChat, features: {
      voiceCall: !!features.voiceCall, videoCall: !!features.videoCall,
      fileUpload: features.fileUpload !== false, emoticons: features.emoticons !== false,
      typing: features.typing !== false,
    },
  });

  const ensureFrame = () => {
    if (frame || !panel) return;
    const q = new URLSearchParams();
    q.set('site_key', siteKey);
    q.set('lang', lang);
    q.set('color', color);
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
    hideInvite();
    wrap.classList.toggle('ld-open', open);
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? t.close : t.open);
    store('open', open ? '1' : '');
    if (open) {
      setUnread(0);
      frame.focus();
    } else if (shadow.activeElement === frame) {
      launcher.focus();
    }
    post({ ld: open ? 'open' : 'closed' });
    emit(open ? 'open' : 'close');
  };

  // Page tracking: the address and title now (also after single-page-app navigations,
  // seen by polling rather than by patching history), and whether someone is there.
  let lastPage = '';
  let active = true;
  let lastInput = Date.now();
  let depth = 0; // the deepest scroll on this page, in % (told in steps of 10)
  const page = () => {
    const key = location.href + '\n' + d.title;
    if (key === lastPage) return;
    if (lastPage.split('\n')[0] !== location.href) depth = 0;
    lastPage = key;
    post({ ld: 'page', url: location.href, title: d.title, referrer: d.referrer });
    scrolled();
  };
  const scrolled = () => {
    const max = d.documentElement.scrollHeight - w.innerHeight;
    const now = max > 0 ? Math.min(100, Math.round((w.scrollY / max) * 100)) : 100;
    if (now >= depth + 10 || (now === 100 && depth < 100)) {
      depth = now;
      post({ ld: 'scroll', depth });
    }
  };
  const setActive = (now) => {
    if (now === active) return;
    active = now;
    post({ ld: 'activity', status: now ? 'active' : 'idle' });
  };
  const touched = () => { lastInput = Date.now(); if (!d.hidden) setActive(true); };

  const onFrameMessage = (e) => {
    if (e.origin !== origin || !frame || e.source !== frame.contentWindow) return;
    const m = e.data || {};
    if (m.ld === 'ready') {
      visitorId = m.visitorId || null;
      if (ready) return;
      ready = true;
      post(frameConfig());
      post({ ld: opened ? 'open' : 'closed' });
      lastPage = '';
      page();
      if (!active) post({ ld: 'activity', status: 'idle' });
      const queued = outbox;
      outbox = [];
      for (let i = 0; i < queued.length; i++) post(queued[i]);
      emit('ready', { visitorId });
    } else if (m.ld === 'close') {
      setOpen(false);
    } else if (m.ld === 'message') {
      if (!opened) {
        setUnread(unread + 1);
        notify(m.message);
      }
      emit('message:received', m.message);
    } else if (m.ld === 'event' && m.name) {
      emit(m.name, m.detail);
    }
  };

  // A chime and, when the page may show them, a browser notification for a message that
  // arrives while the panel is closed.
  const notify = (message) => {
    if (features.sound !== false) {
      try {
        const ctx = new (w.AudioContext || w.webkitAudioContext)();
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.08, ctx.currentTime);
        gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.3);
        osc.connect(gain).connect(ctx.destination);
        osc.start();
        osc.stop(ctx.currentTime + 0.3);
        osc.onended = () => ctx.close();
      } catch (e) { /* no audio */ }
    }
    if (d.hidden && w.Notification && Notification.permission === 'granted') {
      try {
        const n = new Notification((message && message.author && message.author.name) || t.frame, { body: (message && message.body) || '' });
        n.onclick = () => { w.focus(); setOpen(true); };
      } catch (e) { /* not allowed here */ }
    }
  };

  // Proactive invitations live in proactive.js, loaded only for sites that use them; it
  // gets what it needs through a property of window.Livedesk that is not enumerable.
  const pc = cfg.proactiveChat || {};
  let invite = null; // the open invitation's hide function
  const proactive = () => {
    if (!pc.enabled) return;
    Object.defineProperty(api, '_p', {
      value: { pc, lang, shadow, wrap, store, emit, listen, every, later,
        open: () => setOpen(true), isOpen: () => opened, lastInput: () => lastInput,
        shown: (hide) => { invite = hide; } },
    });
    const s = d.createElement('script');
    s.src = origin + '/widget/proactive.js';
    s.async = true;
    d.head.appendChild(s);
  };
  const hideInvite = () => { if (invite) invite(); invite = null; };

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
.ld-badge{position:absolute;top:-3px;right:-3px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;border-radius:10px;background:#dc2626;color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center}
.ld-badge[hidden]{display:none}
.ld-panel{bottom:92px;width:370px;height:580px;max-height:calc(100vh - 112px);border-radius:16px;overflow:hidden;background:#fff;box-shadow:0 12px 48px rgba(0,0,0,.25);display:none}
.ld-open .ld-panel{display:block}
iframe{display:block;width:100%;height:100%;border:0}
@media (max-width:480px){.ld-panel,.ld-left .ld-panel{inset:0;width:100%;height:100%;max-height:none;border-radius:0}.ld-open .ld-launcher{display:none}}
@media (prefers-reduced-motion:no-preference){.ld-launcher{transition:transform .15s}.ld-launcher:hover{transform:scale(1.06)}}`;

  const mount = () => {
    host = d.createElement('div');
    host.id = 'livedesk-root';
    host.style.setProperty('all', 'initial', 'important');
    const root = shadow = host.attachShadow({ mode: 'open' });
    // A constructed sheet, not a <style>: a strict style-src on the page does not apply.
    const css = CSS + (typeof cfg.customCSS === 'string' ? cfg.customCSS : '');
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      const style = d.createElement('style');
      style.textContent = css;
      root.appendChild(style);
    }
    wrap = d.createElement('div');
    wrap.className = cfg.position === 'left' ? 'ld-left' : '';
    wrap.style.setProperty('--ld-primary', color);
    wrap.style.setProperty('--ld-z', String(zIndex));
    const h = color.slice(1);
    const c = parseInt(h.length === 3 ? h.replace(/./g, '$&$&') : h, 16);
    const light = 0.2126 * (c >> 16) + 0.7152 * ((c >> 8) & 255) + 0.0722 * (c & 255) > 160;
    wrap.style.setProperty('--ld-on', light ? '#111827' : '#fff');

    launcher = d.createElement('button');
    launcher.type = 'button';
    launcher.className = 'ld-launcher';
    launcher.setAttribute('aria-label', t.open);
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', 'ld-panel');
    launcher.append(
      svg('M12 3C6.5 3 2 6.9 2 11.7c0 2.6 1.3 4.9 3.4 6.5L4.6 22l4.2-2.2c1 .3 2.1.4 3.2.4 5.5 0 10-3.9 10-8.6S17.5 3 12 3z', 'ld-i-chat'),
      svg('M18.3 5.7a1 1 0 00-1.4 0L12 10.6 7.1 5.7a1 1 0 10-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 101.4 1.4l4.9-4.9 4.9 4.9a1 1 0 001.4-1.4L13.4 12l4.9-4.9a1 1 0 000-1.4z', 'ld-i-x'),
    );
    badge = d.createElement('span');
    badge.className = 'ld-badge';
    badge.hidden = true;
    launcher.appendChild(badge);
    launcher.onclick = () => setOpen(!opened);

    panel = d.createElement('div');
    panel.className = 'ld-panel';
    panel.id = 'ld-panel';
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', t.frame);
    wrap.append(launcher, panel);
    root.appendChild(wrap);
    d.body.appendChild(host);
    listen(w, 'message', onFrameMessage);
    listen(d, 'keydown', (e) => { if (e.key === 'Escape' && opened) setOpen(false); });
    const inputs = ['mousemove', 'keydown', 'scroll', 'touchstart', 'click'];
    for (let i = 0; i < inputs.length; i++) listen(w, inputs[i], touched, { passive: true });
    listen(d, 'visibilitychange', () => setActive(!d.hidden));
    listen(w, 'popstate', page);
    listen(w, 'scroll', scrolled, { passive: true });
    every(1000, () => {
      page();
      if (Date.now() - lastInput > 60000) setActive(false);
    });

    if (opened || store('open') === '1') {
      opened = false;
      setOpen(true);
    }
    if (unread) setUnread(unread); // badge for messages counted before mounting
    const idle = () => (w.requestIdleCallback || ((fn) => setTimeout(fn, 1500)))(ensureFrame);
    if (d.readyState === 'complete') idle();
    else listen(w, 'load', idle);
    proactive();
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
    updateVisitor(v) {
      if (!v || typeof v !== 'object') return false;
      const s = (x) => (x == null ? null : String(x));
      const custom = {};
      const data = v.customData && typeof v.customData === 'object' ? v.customData : {};
      const keys = Object.keys(data);
      for (let i = 0; i < keys.length; i++) custom[keys[i]] = s(data[keys[i]]);
      ensureFrame();
      post({ ld: 'identify', name: s(v.name), email: s(v.email), phone: s(v.phone), customData: custom });
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
    shutdown() {
      for (let i = 0; i < cleanups.length; i++) cleanups[i]();
      cleanups.length = 0;
      if (host) host.remove();
      host = wrap = panel = frame = null;
      handlers = {};
      ready = false;
      if (w.Livedesk === api) delete w.Livedesk;
    },
  };
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
