// Module Web Worker: Pyodide (self-hosted under assets/pyodide/) with the
// engine wheel loaded during bootstrap. The wheel carries the JSON bundle
// built from the YAML. Messages in: {id, request: "<json>"}; out:
// {type: "progress"|"ready"|"failed"|"response", ...}.

const indexURL = new URL("../pyodide/", self.location.href).href;
const started = performance.now();
let handle = null;

const INIT = `
import importlib.resources
import decision_tree.core.api as api
api.init(importlib.resources.files("decision_tree").joinpath("bundle.json").read_text("utf-8"))
`;

async function boot() {
  if (typeof WebAssembly !== "object") throw new Error("WebAssembly indisponível");
  self.postMessage({ type: "progress", text: "Baixando o Python (Pyodide)…" });
  const { loadPyodide } = await import(indexURL + "pyodide.mjs");
  const pyodide = await loadPyodide({
    indexURL,
    lockFileURL: indexURL + "pyodide-lock.json",
    packageBaseUrl: indexURL, // wheels beside the lock; also keeps Pyodide off its CDN default
    packages: ["decision-tree"],
    stdout: () => {},
    stderr: (text) => console.warn(text),
  });
  self.postMessage({ type: "progress", text: "Preparando as regras da diretriz…" });
  pyodide.runPython(INIT);
  handle = pyodide.pyimport("decision_tree.core.api").handle;
  self.postMessage({ type: "ready", ms: Math.round(performance.now() - started) });
}

self.addEventListener("message", (event) => {
  const { id, request } = event.data;
  let response;
  try {
    response = handle(request);
  } catch (error) {
    response = JSON.stringify({ ok: false, error: `Erro interno do assistente: ${error.message}` });
  }
  self.postMessage({ type: "response", id, response });
});

const failed = (error) => self.postMessage({ type: "failed", detail: String((error && error.message) || error) });
// Pyodide may leave a failed download's promise unhandled: during boot, that is a failed start too.
self.addEventListener("unhandledrejection", (event) => {
  if (handle) return;
  event.preventDefault();
  failed(event.reason);
});
boot().catch(failed);
