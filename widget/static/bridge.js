/*! Livedesk loader: the frame's side */
/* The loader's second part: the chat frame and what talks to it. loader.js fetches it
   once the browser is idle, or earlier when the visitor opens the chat or the page calls
   sendMessage / updateVisitor. It creates the frame, reads its messages (ready, close,
   agents' messages, events), sends it the settings its URL does not carry, tracks the
   page, keeps the unread badge, and chimes and shows a browser notification for a
   message that arrives while the panel is closed; a chat an agent starts opens it. */
(() => {
  'use strict';
  const x = window.Livedesk && window.Livedesk._p;
  if (!x || x.frame || !x.panel) return; // shut down meanwhile, or loaded twice
  const w = window;
  const d = document;
  const cfg = x.cfg;
  const features = cfg.features || {};
  const unreadText = x.lang === 'tr' ? 'okunmamış mesaj' : 'unread messages';
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('.ld-badge{position:absolute;top:-3px;right:-3px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;border-radius:10px;background:#dc2626;color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center}.ld-badge[hidden]{display:none}');
    x.shadow.adoptedStyleSheets = [sheet].concat(x.shadow.adoptedStyleSheets);
  } catch (e) { /* no constructed sheets: the loader's <style> fallback has no badge style */ }

  let badge = null;
  const setUnread = (n) => {
    if (n === x.unread) return;
    x.unread = n;
    if (!badge) {
      badge = d.createElement('span');
      badge.className = 'ld-badge';
      x.launcher.appendChild(badge);
    }
    badge.textContent = n > 9 ? '9+' : String(n);
    badge.hidden = !n;
    x.launcher.setAttribute('aria-label', x.t.open + (n ? ' (' + n + ' ' + unreadText + ')' : ''));
    x.emit('unread:changed', n);
  };
  x.seen = () => setUnread(0);

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
    x.post({ ld: 'page', url: location.href, title: d.title, referrer: d.referrer });
    scrolled();
  };
  const scrolled = () => {
    const max = d.documentElement.scrollHeight - w.innerHeight;
    const now = max > 0 ? Math.min(100, Math.round((w.scrollY / max) * 100)) : 100;
    if (now >= depth + 10 || (now === 100 && depth < 100)) {
      depth = now;
      x.post({ ld: 'scroll', depth });
    }
  };
  const setActive = (now) => {
    if (now === active) return;
    active = now;
    x.post({ ld: 'activity', status: now ? 'active' : 'idle' });
  };
  const touched = () => { lastInput = Date.now(); if (!d.hidden) setActive(true); };

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

  // A chime and, when the page may show them and the visitor is on another tab, a browser
  // notification (the widget never asks for the permission).
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
        const n = new Notification((message && message.author && message.author.name) || x.t.frame, { body: (message && message.body) || '' });
        n.onclick = () => { w.focus(); x.open(); };
      } catch (e) { /* not allowed here */ }
    }
  };

  const onFrame = (m) => {
    if (m.ld === 'ready') {
      x.visitorId = m.visitorId || null;
      if (x.ready) return;
      x.ready = true;
      x.post(frameConfig());
      x.post({ ld: x.opened ? 'open' : 'closed' });
      lastPage = '';
      page();
      if (!active) x.post({ ld: 'activity', status: 'idle' });
      const queued = x.outbox;
      x.outbox = [];
      for (let i = 0; i < queued.length; i++) x.post(queued[i]);
      x.emit('ready', { visitorId: x.visitorId });
    } else if (m.ld === 'close') {
      x.close();
    } else if (m.ld === 'message') {
      // An agent who writes first (seq 1: the chat started from the live visitors list)
      // opens the panel; later messages while it is closed are counted and announced.
      if (!x.opened && m.message && m.message.seq === 1) {
        x.open();
      } else if (!x.opened) {
        setUnread(x.unread + 1);
        notify(m.message);
      }
      x.emit('message:received', m.message);
    } else if (m.ld === 'event' && m.name) {
      x.emit(m.name, m.detail);
    }
  };

  const q = new URLSearchParams();
  q.set('site_key', x.siteKey);
  q.set('lang', x.lang);
  q.set('color', x.color);
  if (cfg.welcomeMessage) q.set('welcome', cfg.welcomeMessage);
  if (cfg.placeholderText) q.set('placeholder', cfg.placeholderText);
  const frame = x.frame = d.createElement('iframe');
  frame.id = 'livedesk-frame';
  frame.title = x.t.frame;
  frame.src = x.origin + '/widget/frame?' + q;
  frame.allow = 'microphone; camera; display-capture; clipboard-write';
  x.panel.appendChild(frame);
  if (x.opened) frame.focus();
  x.listen(w, 'message', (e) => {
    if (e.origin === x.origin && e.source === frame.contentWindow) onFrame(e.data || {});
  });

  const inputs = ['mousemove', 'keydown', 'scroll', 'touchstart', 'click'];
  for (let i = 0; i < inputs.length; i++) x.listen(w, inputs[i], touched, { passive: true });
  x.listen(d, 'visibilitychange', () => setActive(!d.hidden));
  x.listen(w, 'popstate', page);
  x.listen(w, 'scroll', scrolled, { passive: true });
  x.every(1000, () => {
    page();
    if (d.hidden || Date.now() - lastInput > 60000) setActive(false);
  });
})();
