// Node executables (NODERAWFS): getenv() sees the host's environment, not emscripten's
// made-up one (USER=web_user, HOME=/home/web_user), so `DOSTI_DB=... node dosti.js` works.
if (typeof process === 'object' && process.env) {
  Module['preRun'] = [].concat(Module['preRun'] || []);
  Module['preRun'].push(function () {
    if (typeof ENV === 'object') Object.assign(ENV, process.env);
  });
}
