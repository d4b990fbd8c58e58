// One call into the booth's wasm engine (engine.cpp's dosti_call): the method and the JSON
// arguments go in as UTF-8, bytes (a bundle, a response body) are copied into wasm memory;
// out come the parsed answer and a copy of the answer's bytes (an ArrayBuffer, or null).
// Used by worker.js (loaded with importScripts) and by the Node tests (require).
'use strict';

function dostiCall(M, method, args, bytes) {
  const put = (s) => {
    const n = M.lengthBytesUTF8(s) + 1;
    const p = M._malloc(n);
    M.stringToUTF8(s, p, n);
    return p;
  };
  const m = put(method);
  const a = put(JSON.stringify(args || {}));
  let b = 0;
  let size = 0;
  if (bytes) {
    const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    size = view.length;
    b = M._malloc(Math.max(1, size));
    M.HEAPU8.set(view, b);
  }
  try {
    const answer = JSON.parse(M.UTF8ToString(M._dosti_call(m, a, b, size)));
    const outSize = M._dosti_out_size();
    const at = M._dosti_out_ptr();
    const out = outSize ? M.HEAPU8.slice(at, at + outSize).buffer : null;
    return { answer, bytes: out };
  } finally {
    M._free(m);
    M._free(a);
    if (b) M._free(b);
  }
}

if (typeof module !== 'undefined' && module.exports) module.exports = { dostiCall };
