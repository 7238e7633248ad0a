// Module Web Worker: the engine (Pyodide, self-hosted under assets/pyodide/,
// with the decision_tree wheel, which carries the JSON bundle built from the
// YAML). Messages in: {id, request: "<json>"}, and {type: "sent"} once the page has posted what it kept
// until "ready"; out: {type: "progress" | "ready" | "failed" | "response", ...}.
//
// assets/pyodide/engine.json (decision_tree/sitegen/webapp.py) says where the
// Pyodide core is (a folder named after its version, cached as immutable)
// and lists the engine's memory snapshot (decision_tree/sitegen/snapshot.py):
// Pyodide with the engine already imported and initialised, saved at build
// time. Restoring it skips Python's whole start. The snapshot is used when it
// matches (same Pyodide, same pyodide-lock.json, every slice's sha256) and
// restores; otherwise, or if anything about it fails, the normal start runs.
// `?snapshot=never` (tests) always starts normally.
//
// A code made with an earlier version of the tree (an old "Código do assistente")
// gets an answer naming that version (`archive`): the worker then reads the
// version from assets/tree-versions/ (its index first) and asks the engine
// again with it (`op: "archived"`), so the page receives the old outcome,
// read-only; for a version the site does not keep, the first answer stands. Only then: the normal start
// never reads these files.

const base = new URL("../pyodide/", self.location.href);
const useSnapshot = new URL(self.location.href).searchParams.get("snapshot") !== "never";
const started = performance.now();
let handle = null;
let restoring = null; // while a snapshot restore runs: Pyodide's unhandled rejections belong to it
const WARM_UP_WALKS = 150;

const INIT = `
import importlib.resources
import decision_tree.core.api as api
api.init(importlib.resources.files("decision_tree").joinpath("bundle.json").read_text("utf-8"))
`;

async function fetchOk(url, options) {
  const response = await fetch(url, options);
  if (!response.ok) throw new Error(`${new URL(url).pathname}: HTTP ${response.status}`);
  return response;
}

const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

/** The snapshot's memory from its gzip slices, each checked against its sha256 (`integrity`). */
async function readSnapshot(snapshot) {
  const memory = new Uint8Array(snapshot.size);
  await Promise.all(
    snapshot.slices.map(async (slice) => {
      // An empty or malformed integrity would make fetch() skip the check: such a slice is never used.
      if (!/^sha256-[A-Za-z0-9+/]{43}=$/.test(slice.integrity ?? "")) throw new Error(`${slice.file}: sem sha256 (integrity)`);
      const response = await fetchOk(new URL(slice.file, base).href, { integrity: slice.integrity });
      const data = await new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
      if (data.byteLength !== slice.size || slice.offset + slice.size > memory.length) throw new Error(`${slice.file}: tamanho inesperado`);
      memory.set(new Uint8Array(data), slice.offset);
    }),
  );
  return memory;
}

/**
 * Have Pyodide instantiate `compiled` (a WebAssembly.Module promise, started before Pyodide asks
 * for it) instead of compiling its own copy; Pyodide's own path if compiling failed. Pyodide only
 * logs a failed instantiation and waits forever: `failed` hears of it. Undone by the returned function.
 */
function instantiateFrom(compiled, failed) {
  const original = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async (source, imports) => {
    WebAssembly.instantiateStreaming = original;
    let module;
    try {
      module = await compiled;
    } catch {
      return original.call(WebAssembly, source, imports);
    }
    try {
      return { module, instance: await WebAssembly.instantiate(module, imports) };
    } catch (error) {
      failed(error);
      throw error;
    }
  };
  return () => (WebAssembly.instantiateStreaming = original);
}

/** The restored engine; throws if the snapshot does not restore to an engine that shows the first question. */
async function restore(loadPyodide, options, snapshot, memory, compiled) {
  restoring = [];
  let undo;
  try {
    const failure = new Promise((_, reject) => (undo = instantiateFrom(compiled, reject)));
    // The standard library is not read by the restored process: a placeholder now, the real file after "ready".
    const placeholder = new URL(snapshot.stdlib_placeholder, base).href;
    const pyodide = await Promise.race([loadPyodide({ ...options, _loadSnapshot: memory, stdLibURL: placeholder }), failure]);
    if (restoring.length) throw restoring[0];
    const h = pyodide.pyimport("decision_tree.core.api").handle;
    // The client site's engine has no wizard: its snapshot names the request to check instead (a quote).
    const first = JSON.parse(h(JSON.stringify(snapshot.probe ?? { op: "view" })));
    if (!first.ok || !(snapshot.probe ? first.quote : first.view && first.view.question)) {
      throw new Error("o estado restaurado não responde como o motor");
    }
    return { pyodide, handle: h };
  } finally {
    undo();
    restoring = null;
  }
}

// After a restore, the standard library (python_stdlib.zip, 2.5 MB) only if Python imports a module the restored
// process lacks (none is known). The restored importer's table of the build's zip is forgotten, so a lookup reads
// the placeholder, finds nothing and reaches a finder last on sys.meta_path: it fetches the zip once, synchronously
// (a worker may), writes it where the placeholder is (the path Python knows) and finds the module there.
const STDLIB_ON_DEMAND = `
import sys, zipimport

def _dt_forget_stdlib(zip_path):
    zipimport._zip_directory_cache.pop(zip_path, None)
    for entry in [p for p in sys.path_importer_cache if p.startswith(zip_path)]:  # the zip and its packages
        del sys.path_importer_cache[entry]

class _DtStdlibOnDemand:
    zip_path = next(p for p in sys.path if p.endswith(".zip"))

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        import importlib.machinery
        sys.meta_path.remove(cls)
        _dt_write_stdlib(cls.zip_path)
        _dt_forget_stdlib(cls.zip_path)
        return importlib.machinery.PathFinder.find_spec(name, path, target)

_dt_forget_stdlib(_DtStdlibOnDemand.zip_path)
sys.meta_path.append(_DtStdlibOnDemand)
`;

function stdlibOnDemand(pyodide, indexURL) {
  pyodide.globals.set("_dt_write_stdlib", (path) => {
    const request = new XMLHttpRequest();
    request.open("GET", indexURL + "python_stdlib.zip", false);
    request.responseType = "arraybuffer";
    request.send();
    if (request.status !== 200) throw new Error(`python_stdlib.zip: HTTP ${request.status}`);
    pyodide.FS.writeFile(path, new Uint8Array(request.response));
  });
  pyodide.runPython(STDLIB_ON_DEMAND);
}

async function boot() {
  if (typeof WebAssembly !== "object") throw new Error("WebAssembly indisponível");
  self.postMessage({ type: "progress", text: "Baixando o Python (Pyodide)…" });
  const lockBytes = fetchOk(new URL("pyodide-lock.json", base).href).then((r) => r.arrayBuffer());
  lockBytes.catch(() => {});
  const manifest = await (await fetchOk(new URL("engine.json", base).href)).json();
  const indexURL = new URL(manifest.core, base).href;
  // Everything the start needs, at once: the core's two scripts, the WebAssembly (compiled while the
  // rest downloads, not after), the snapshot.
  const core = import(indexURL + "pyodide.mjs");
  const glue = import(indexURL + "pyodide.asm.mjs");
  glue.catch(() => {});
  const compiled = WebAssembly.compileStreaming(fetch(indexURL + "pyodide.asm.wasm"));
  compiled.catch(() => {});
  const snapshot = useSnapshot ? manifest.snapshot : null;
  const memory = snapshot ? readSnapshot(snapshot) : null;
  memory?.catch(() => {});
  const { loadPyodide, version } = await core;
  const lock = await lockBytes;
  const options = {
    indexURL,
    lockFileContents: new TextDecoder().decode(lock),
    packageBaseUrl: base.href, // the wheel is beside the lock; also keeps Pyodide off its CDN default
    createPyodideModule: (await glue).default,
    stdout: () => {},
    stderr: (text) => console.warn(text),
  };
  const start = { mode: "normal", reason: manifest.snapshot ? "desativado" : "sem estado inicial" };
  let restored = null;
  if (snapshot) {
    try {
      if (snapshot.pyodide !== version) throw new Error(`feito para o Pyodide ${snapshot.pyodide}, carregado o ${version}`);
      if (snapshot.lock_sha256 !== hex(await crypto.subtle.digest("SHA-256", lock))) throw new Error("feito para outro pyodide-lock.json");
      const bytes = await memory;
      self.postMessage({ type: "progress", text: "Restaurando as regras da diretriz…" });
      restored = await restore(loadPyodide, options, snapshot, bytes, compiled);
      handle = restored.handle;
      start.mode = "snapshot";
      start.reason = "";
    } catch (error) {
      start.reason = String((error && error.message) || error);
      console.warn("decision_tree: estado inicial não usado, início normal:", start.reason);
    }
  }
  if (!handle) {
    const undo = instantiateFrom(compiled, () => {});
    try {
      const pyodide = await loadPyodide({ ...options, packages: ["decision-tree"] });
      self.postMessage({ type: "progress", text: "Preparando as regras da diretriz…" });
      pyodide.runPython(INIT);
      handle = pyodide.pyimport("decision_tree.core.api").handle;
    } finally {
      undo();
    }
  }
  self.postMessage({ type: "ready", ms: Math.round(performance.now() - started), start });
  if (restored) await afterRestore(restored.pyodide, indexURL, snapshot.probe);
}

// Once the page's requests kept until "ready" are answered (it says "sent"; a second at most): the hook, the warm-up.
async function afterRestore(pyodide, indexURL, probe) {
  await Promise.race([pageSent, new Promise((resolve) => setTimeout(resolve, 1000))]);
  stdlibOnDemand(pyodide, indexURL);
  const t0 = performance.now();
  await warmUp(WARM_UP_WALKS, probe);
  self.postMessage({ type: "warm", ms: Math.round(performance.now() - t0) }); // for the benchmark; the page ignores it
}

/**
 * After a restore, walk the tree a few dozen times, one walk per task so the page's own requests
 * are answered in between. The browser first runs WebAssembly with quickly compiled code and
 * optimises what runs often; a normal start runs seconds of Python before the first answer, a
 * restore almost none, and without this the first answers of a restored engine have a slow tail
 * (measured: bench/README.md, "Warm-up after a restore").
 */
async function warmUp(walks, probe) {
  for (let k = 0; k < walks; k++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (probe) {
      handle(JSON.stringify({ ...probe, minutes: String(5 + k) })); // no wizard: the calculator's quotes
      continue;
    }
    let view = JSON.parse(handle(JSON.stringify({ op: "view" }))).view;
    for (let step = 0; view && view.question && step < 20; step++) {
      const options = view.question.options;
      const option = options[(k * 7 + step) % options.length].id;
      view = JSON.parse(handle(JSON.stringify({ op: "answer", state: view.state, option }))).view;
    }
    if (view && view.outcome) handle(JSON.stringify({ op: "quote", mode: view.outcome.mode, minutes: String(5 + k) }));
  }
}

const versionsBase = new URL("../tree-versions/", self.location.href);
let versionIndex = null; // the fingerprints the site keeps, read on the first old code
const versions = new Map(); // fingerprint -> archive text (or null)

/** The archived tree version's JSON text, or null when the site does not keep it (or it cannot be read). */
async function treeVersion(fingerprint) {
  if (!versions.has(fingerprint)) {
    versions.set(
      fingerprint,
      (async () => {
        try {
          versionIndex ??= fetchOk(new URL("index.json", versionsBase).href).then((r) => r.json());
          const { fingerprints } = await versionIndex;
          if (!fingerprints.includes(fingerprint)) return null;
          return await (await fetchOk(new URL(`${fingerprint}.json`, versionsBase).href)).text();
        } catch (error) {
          console.warn("decision_tree: versão da árvore indisponível:", error);
          versionIndex = null;
          versions.delete(fingerprint);
          return null;
        }
      })(),
    );
  }
  return versions.get(fingerprint);
}

async function answer(request) {
  const response = handle(request);
  if (!response.includes('"archive": "')) return response;
  const { archive } = JSON.parse(response);
  if (!/^[0-9a-f]{6}$/.test(archive)) return response;
  const text = await treeVersion(archive);
  if (text === null) return response; // a version the site does not keep: the engine's answer says so
  const { state } = JSON.parse(request);
  return handle(JSON.stringify({ op: "archived", state, archive: text }));
}

let sent;
const pageSent = new Promise((resolve) => (sent = resolve)); // "sent": the page's queued requests are in
self.addEventListener("message", async (event) => {
  if (event.data.type === "sent") return sent(); // answered before this
  const { id, request } = event.data;
  let response;
  try {
    response = await answer(request);
  } catch (error) {
    console.error("decision_tree:", error); // the Python traceback, for whoever debugs; never on the page
    response = JSON.stringify({ ok: false, error: "Erro interno do assistente. Recarregue a página; se o erro continuar, avise a gestão das diretrizes." });
  }
  self.postMessage({ type: "response", id, response });
});

const failed = (error) => self.postMessage({ type: "failed", detail: String((error && error.message) || error) });
// Pyodide may leave a failed download's promise unhandled: during boot, that is a failed start
// (during a snapshot restore, a failed restore: the normal start follows).
self.addEventListener("unhandledrejection", (event) => {
  if (handle && !restoring) return;
  event.preventDefault();
  if (restoring) restoring.push(event.reason);
  else failed(event.reason);
});
boot().catch(failed);
