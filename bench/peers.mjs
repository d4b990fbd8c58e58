// The merge workload of dosti_bench (merge_changes_per_s) run on two peer CRDT libraries, for a
// side-by-side comparison: Yjs and Automerge, under Node. Prints one JSON object per line:
//   {"name": "peer_merge_yjs_per_s", "value": ..., "unit": "changes/s", "runs": N, "detail": {...}}
// Notes go to stderr. Usage (scripts/bench runs it; `npm install` in bench/ first):
//   node bench/peers.mjs [--only yjs|automerge] [--runs N]
//                        [--yjs-records N] [--yjs-edits E] [--automerge-records N] [--automerge-edits E]
//
// Workload (as in bench/replication.cpp): records of 10 text fields f0..f9 in a map keyed by
// record id. Replica A creates them and B starts from A's state. A then makes `edits` edits to
// every record (round j sets field j % 10 of every record to a new value; 1,000 writes per
// transaction / change), and halfway through B edits 5% of the cells concurrently (one cell in
// 20). Timed: B (a fresh copy for every run) applying everything A made since B's state, as one
// update (Yjs: encodeStateAsUpdate(A, stateVector(B)) → applyUpdate; Automerge:
// saveSince(A, heads at the split) → loadIncremental). Encoding on A is not timed, as our
// changesets are not. Neither library writes to disk here: both are in memory only, unlike
// Dosti's merge into a SQLite file. After the first run the two replicas exchange the rest and
// must show the same records (stderr).
import * as Y from 'yjs';
import * as Automerge from '@automerge/automerge';
import { readFileSync } from 'node:fs';

const version = (pkg) =>
  JSON.parse(readFileSync(new URL(`./node_modules/${pkg}/package.json`, import.meta.url))).version;
const FIELDS = 10;
const BATCH = 1000;
const CONFLICT_EVERY = 20;

function args() {
  const a = {
    only: '', runs: 3,
    yjsRecords: 10000, yjsEdits: 100,
    // Automerge's apply cost per change grows with the number of objects in the document
    // (here: 20,000 changes into 10,000 records take about 15-30 s; the same number into 1,000
    // records about 1.5 s), so it keeps the 10,000 records and runs 2 edits per record.
    automergeRecords: 10000, automergeEdits: 2,
  };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; ++i) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--only': a.only = v; ++i; break;
      case '--runs': a.runs = Number(v); ++i; break;
      case '--yjs-records': a.yjsRecords = Number(v); ++i; break;
      case '--yjs-edits': a.yjsEdits = Number(v); ++i; break;
      case '--automerge-records': a.automergeRecords = Number(v); ++i; break;
      case '--automerge-edits': a.automergeEdits = Number(v); ++i; break;
      default:
        console.error(`usage: node peers.mjs [--only yjs|automerge] [--runs N] ` +
                      `[--yjs-records N] [--yjs-edits E] [--automerge-records N] [--automerge-edits E]`);
        process.exit(2);
    }
  }
  return a;
}

const id = (i) => 'item-' + String(i).padStart(5, '0');
const median = (v) => {
  const s = [...v].sort((x, y) => x - y);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const now = () => performance.now();
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const note = (s) => process.stderr.write(`peers: ${s}\n`);
const round4 = (x) => Number(x.toPrecision(4));

function emit(name, value, unit, runs, detail) {
  process.stdout.write(JSON.stringify({ name, value: Math.round(value), unit, runs, detail }) + '\n');
}

// The writes of the workload, in order, as [record, field, value]: A's rounds before and after
// the split, and B's concurrent cells.
function workload(records, edits) {
  const aRounds = (from, to) => {
    const out = [];
    for (let j = from; j < to; ++j) {
      for (let i = 0; i < records; ++i) out.push([i, j % FIELDS, `a${j} ${i}`]);
    }
    return out;
  };
  const b = [];
  for (let c = 0; c < records * FIELDS; ++c) {
    if (c % CONFLICT_EVERY === 7) b.push([Math.floor(c / FIELDS), c % FIELDS, `b${c % FIELDS} ${Math.floor(c / FIELDS)}`]);
  }
  const half = Math.floor(edits / 2);
  return { a1: aRounds(0, half), b, a2: aRounds(half, edits) };
}

function batches(writes, fn) {
  for (let s = 0; s < writes.length; s += BATCH) fn(writes.slice(s, s + BATCH));
}

// [SECTION] Yjs

function benchYjs(records, edits, runs) {
  const t0 = now();
  const w = workload(records, edits);
  const a = new Y.Doc();
  a.transact(() => {
    const items = a.getMap('items');
    for (let i = 0; i < records; ++i) {
      const m = new Y.Map();
      items.set(id(i), m);
      for (let k = 0; k < FIELDS; ++k) m.set('f' + k, `i${k} ${i}`);
    }
  });
  const b = new Y.Doc();
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  const write = (doc, writes) => batches(writes, (part) => doc.transact(() => {
    const items = doc.getMap('items');
    for (const [i, k, v] of part) items.get(id(i)).set('f' + k, v);
  }));
  write(a, w.a1);
  write(b, w.b);
  write(a, w.a2);
  const bState = Y.encodeStateAsUpdate(b);
  const update = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
  const changes = w.a1.length + w.a2.length;
  note(`yjs: prepared ${records} records x ${edits} edits (${changes} changes, update ` +
       `${(update.length / 1e6).toFixed(1)} MB) in ${((now() - t0) / 1000).toFixed(1)} s`);
  const ms = [], cpu = [];
  for (let r = 0; r < runs; ++r) {
    const copy = new Y.Doc();
    Y.applyUpdate(copy, bState);
    const s = now(), c = cpuMs();
    Y.applyUpdate(copy, update);
    ms.push(now() - s);
    cpu.push(cpuMs() - c);
    if (r === 0) {
      const back = Y.encodeStateAsUpdate(copy, Y.encodeStateVector(a));
      Y.applyUpdate(a, back);
      const same = JSON.stringify(a.getMap('items').toJSON()) === JSON.stringify(copy.getMap('items').toJSON());
      note(`yjs: after the full exchange both replicas are ${same ? 'EQUAL' : 'DIFFERENT'}`);
      if (!same) process.exit(1);
    }
    note(`yjs run ${r + 1}: ${changes} changes in ${ms[r].toFixed(0)} ms (cpu ${cpu[r].toFixed(0)})`);
  }
  emit('peer_merge_yjs_per_s', changes / (median(ms) / 1000), 'changes/s', runs, {
    library: `yjs ${version('yjs')}`,
    changes, records, edits_per_record: edits, concurrent_cells_on_b: w.b.length,
    apply_ms: round4(median(ms)), apply_ms_runs: ms.map(round4), apply_cpu_ms: round4(median(cpu)),
    update_mb: round4(update.length / 1e6),
    path: 'encodeStateAsUpdate(A, encodeStateVector(B)) -> applyUpdate(B)', storage: 'memory',
  });
}

// [SECTION] Automerge

function benchAutomerge(records, edits, runs) {
  const t0 = now();
  const w = workload(records, edits);
  const S = (v) => new Automerge.ImmutableString(v);
  let a = Automerge.change(Automerge.init(), (d) => {
    d.items = {};
    for (let i = 0; i < records; ++i) {
      const rec = {};
      for (let k = 0; k < FIELDS; ++k) rec['f' + k] = S(`i${k} ${i}`);
      d.items[id(i)] = rec;
    }
  });
  let b = Automerge.load(Automerge.save(a));
  const base = Automerge.getHeads(a);
  const write = (doc, writes) => {
    batches(writes, (part) => {
      doc = Automerge.change(doc, (d) => {
        for (const [i, k, v] of part) d.items[id(i)]['f' + k] = S(v);
      });
    });
    return doc;
  };
  a = write(a, w.a1);
  b = write(b, w.b);
  a = write(a, w.a2);
  const bState = Automerge.save(b);
  const update = Automerge.saveSince(a, base);
  const changes = w.a1.length + w.a2.length;
  note(`automerge: prepared ${records} records x ${edits} edits (${changes} changes, ` +
       `${(update.length / 1e6).toFixed(2)} MB) in ${((now() - t0) / 1000).toFixed(1)} s`);
  const ms = [], cpu = [];
  for (let r = 0; r < runs; ++r) {
    let copy = Automerge.load(bState);
    const s = now(), c = cpuMs();
    copy = Automerge.loadIncremental(copy, update);
    ms.push(now() - s);
    cpu.push(cpuMs() - c);
    if (r === 0) {
      a = Automerge.loadIncremental(a, Automerge.saveSince(copy, Automerge.getHeads(a)));
      const json = (d) => JSON.stringify(Automerge.toJS(d));
      const same = json(a) === json(copy);
      note(`automerge: after the full exchange both replicas are ${same ? 'EQUAL' : 'DIFFERENT'}`);
      if (!same) process.exit(1);
    }
    note(`automerge run ${r + 1}: ${changes} changes in ${ms[r].toFixed(0)} ms (cpu ${cpu[r].toFixed(0)})`);
  }
  emit('peer_merge_automerge_per_s', changes / (median(ms) / 1000), 'changes/s', runs, {
    library: `@automerge/automerge ${version('@automerge/automerge')}`,
    changes, records, edits_per_record: edits, concurrent_cells_on_b: w.b.length,
    apply_ms: round4(median(ms)), apply_ms_runs: ms.map(round4), apply_cpu_ms: round4(median(cpu)),
    update_mb: round4(update.length / 1e6),
    path: 'saveSince(A, heads at the split) -> loadIncremental(B); values as ImmutableString',
    storage: 'memory',
    scaled: `${records} records x ${edits} edits per record instead of 10000 x 100: ` +
            'at 10,000 records Automerge applies about a thousand changes/s',
  });
}

const o = args();
if (!o.only || o.only === 'yjs') benchYjs(o.yjsRecords, o.yjsEdits, o.runs);
if (!o.only || o.only === 'automerge') benchAutomerge(o.automergeRecords, o.automergeEdits, o.runs);
