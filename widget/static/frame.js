// Boots the Livedesk widget (wasm) in its frame. A separate file rather than an inline
// script, so the frame can be served with `script-src 'self' 'wasm-unsafe-eval'`.
import init from './livedesk_widget.js';

init().catch((error) => console.error('[livedesk] the widget could not load:', error));
