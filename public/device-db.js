// What this device keeps for Tandem, in IndexedDB, shared by the pages (offline.js) and
// the service worker (sw.js). A plain script, not a module, so the worker can load it with
// importScripts; it defines `self.TandemDB`.
//
// Stores:
// - ops:    the outbox, one record per write, in the order they were made (key `seq`).
// - device: small facts about this device: `person` (who is signed in here, as far as the
//           last page from the server said) and `lock` (someone signed out here; see
//           offline.js), `persisted` (persistent storage was asked for).
// - saved:  modules saved for offline use, per person.
(function (self) {
  "use strict";
  const NAME = "tandem";
  const VERSION = 1;
  let opening = null;

  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const request = self.indexedDB.open(NAME, VERSION);
        request.onupgradeneeded = () => {
          const db = request.result;
          const ops = db.createObjectStore("ops", { keyPath: "seq", autoIncrement: true });
          ops.createIndex("person", "person");
          ops.createIndex("op_id", "op_id", { unique: true });
          db.createObjectStore("device", { keyPath: "key" });
          const saved = db.createObjectStore("saved", { keyPath: ["person", "module"] });
          saved.createIndex("person", "person");
        };
        request.onsuccess = () => {
          const db = request.result;
          // Another tab upgrading the schema (a newer build): let it, and reopen next time.
          db.onversionchange = () => {
            db.close();
            opening = null;
          };
          resolve(db);
        };
        request.onerror = () => {
          opening = null;
          reject(request.error);
        };
        request.onblocked = () => reject(new Error("This device's storage is busy in another tab."));
      });
    }
    return opening;
  }

  /** Runs `work(stores, done)` in one transaction and resolves with the value given to
   *  `done` once the transaction has committed (so a quota error rejects, never vanishes). */
  async function transaction(names, mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(names, mode);
      let value;
      tx.oncomplete = () => resolve(value);
      tx.onabort = () => reject(tx.error || new Error("The change could not be kept on this device."));
      tx.onerror = () => {}; // reported by onabort
      const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
      try {
        work(stores, (v) => (value = v));
      } catch (e) {
        tx.abort();
        reject(e);
      }
    });
  }

  const ops = {
    /** One person's ops, oldest first. */
    all(person) {
      return transaction(["ops"], "readonly", ({ ops }, done) => {
        const r = ops.index("person").getAll(person);
        r.onsuccess = () => done(r.result.sort((a, b) => a.seq - b.seq));
      });
    },
    /** How many ops are kept for people other than `person`. */
    others(person) {
      return transaction(["ops"], "readonly", ({ ops }, done) => {
        const r = ops.getAll();
        r.onsuccess = () => done(r.result.filter((o) => o.person !== person).length);
      });
    },
    /** Reads one person's ops, lets `change` (a pure function) decide the new list, and
     *  writes the difference, all in one transaction: tabs never overwrite each other. */
    update(person, change) {
      return transaction(["ops"], "readwrite", ({ ops }, done) => {
        const r = ops.index("person").getAll(person);
        r.onsuccess = () => {
          const before = r.result.sort((a, b) => a.seq - b.seq);
          const after = change(before);
          const kept = new Set(after.filter((o) => o.seq !== undefined).map((o) => o.seq));
          for (const o of before) if (!kept.has(o.seq)) ops.delete(o.seq);
          for (const o of after) {
            const old = before.find((b) => b.seq === o.seq);
            if (o.seq === undefined) {
              const { seq, ...fresh } = o;
              ops.add({ ...fresh, person });
            } else if (old !== o) {
              ops.put({ ...o, person });
            }
          }
          done(after);
        };
      });
    },
  };

  const device = {
    get(key) {
      return transaction(["device"], "readonly", ({ device }, done) => {
        const r = device.get(key);
        r.onsuccess = () => done(r.result ? r.result.value : null);
      });
    },
    set(key, value) {
      return transaction(["device"], "readwrite", ({ device }) => {
        if (value === null || value === undefined) device.delete(key);
        else device.put({ key, value });
      });
    },
  };

  const saved = {
    list(person) {
      return transaction(["saved"], "readonly", ({ saved }, done) => {
        const r = saved.index("person").getAll(person);
        r.onsuccess = () => done(r.result);
      });
    },
    put(record) {
      return transaction(["saved"], "readwrite", ({ saved }) => saved.put(record));
    },
    remove(person, module) {
      return transaction(["saved"], "readwrite", ({ saved }) => saved.delete([person, module]));
    },
    /** Forgets every saved module but those of `keep` (null: forget them all). */
    clearExcept(keep) {
      return transaction(["saved"], "readwrite", ({ saved }) => {
        const r = saved.getAll();
        r.onsuccess = () => r.result.filter((s) => s.person !== keep).forEach((s) => saved.delete([s.person, s.module]));
      });
    },
  };

  /** Page caches are per build and per person: `tandem-v2-pages-<build>-p<person>`. */
  const pageCache = (build, person) => `tandem-v2-pages-${build}-p${person}`;
  const personOfCache = (name) => {
    const m = /^tandem-v2-pages-.+-p(\d+)$/.exec(name);
    return m ? Number(m[1]) : null;
  };

  /** Deletes the page caches of everyone but `keep` (null: everyone). */
  async function forgetPagesExcept(keep) {
    if (!self.caches) return;
    for (const name of await self.caches.keys()) {
      if (name.startsWith("tandem-v2-pages-") && personOfCache(name) !== keep) await self.caches.delete(name);
    }
  }

  self.TandemDB = { open, ops, device, saved, pageCache, forgetPagesExcept };
})(self);
