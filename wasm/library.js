// What the booth's engine (engine.cpp) imports from JavaScript, as an emscripten JS library
// (--js-library). The worker (worker.js) fills in Module.dostiSlots (one
// FileSystemSyncAccessHandle per slot, opened up front), Module.dostiProgress and
// Module.dostiCommitted before it opens the database. Offsets and sizes cross as doubles
// (exact up to 2^53 bytes); every failure is a return value, never an exception into wasm.
mergeInto(LibraryManager.library, {
  dosti_slot_count: function () {
    return Module['dostiSlots'] ? Module['dostiSlots'].length : 0;
  },
  dosti_slot_read: function (slot, ptr, n, offset) {
    try {
      return Module['dostiSlots'][slot].read(HEAPU8.subarray(ptr, ptr + n), { at: offset });
    } catch (e) {
      return -1;
    }
  },
  dosti_slot_write: function (slot, ptr, n, offset) {
    try {
      return Module['dostiSlots'][slot].write(HEAPU8.subarray(ptr, ptr + n), { at: offset }) === n ? 1 : 0;
    } catch (e) {
      return 0;
    }
  },
  dosti_slot_truncate: function (slot, size) {
    try {
      Module['dostiSlots'][slot].truncate(size);
      return 1;
    } catch (e) {
      return 0;
    }
  },
  dosti_slot_size: function (slot) {
    try {
      return Module['dostiSlots'][slot].getSize();
    } catch (e) {
      return -1;
    }
  },
  dosti_slot_flush: function (slot) {
    try {
      Module['dostiSlots'][slot].flush();
      return 1;
    } catch (e) {
      return 0;
    }
  },
  dosti_js_progress: function (json) {
    var report = Module['dostiProgress'];
    return report && report(UTF8ToString(json)) ? 1 : 0;
  },
  dosti_js_committed: function () {
    var committed = Module['dostiCommitted'];
    if (committed) committed();
  },
});
