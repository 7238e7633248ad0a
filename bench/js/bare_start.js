// /bench-bare/start.js: Pyodide alone (the baseline): the site's pinned core and lock file, nothing else.
// "ready" when loadPyodide resolves, then runPython("1") and "ran". bench/pages.py prepends `const CORE`.
const base = new URL("../assets/pyodide/", location.href);
const indexURL = new URL(CORE, base).href;
export async function bare(ready) {
  const t0 = performance.now();
  const { loadPyodide } = await import(indexURL + "pyodide.mjs");
  const t1 = performance.now();
  const pyodide = await loadPyodide({ indexURL, lockFileURL: new URL("pyodide-lock.json", base).href, stdout: () => {}, stderr: () => {} });
  const t2 = performance.now();
  ready({ type: "ready", ms: t2 - t0, phases: { import: t1 - t0, loadPyodide: t2 - t1 } });
  pyodide.runPython("1");
  const t3 = performance.now();
  ready({ type: "ran", ms: t3 - t0 });
  ready({ type: "done", phases: { import: t1 - t0, loadPyodide: t2 - t1, runPython1: t3 - t2 } });
}
