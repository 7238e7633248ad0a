"""What the benchmark puts in the browser: an init script and two extra pages.

The extra pages are served from memory under `/bench-bare/` and
`/bench-profile/` (see server.Server's overlay); nothing is written into the
built site. Both load the same Pyodide files the site serves, from
`/assets/pyodide/`.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

# Runs before any script of every page (Playwright's add_init_script).
# - `__bench.lt`: long tasks of the main thread, observed from the start;
# - `__bench.marks.question_dom` / `et:question`: the wizard's first question
#   legend gets `elementtiming` as soon as the parser inserts it, so Chromium
#   reports the render time of the frame that first painted its text;
# - `__bench.marks.ready`: when the app's `data-engine` attribute (set by
#   client.js from the worker's "ready" message) becomes "ready";
# - `__bench.marks.worker`: when the page constructs its Web Worker, and
#   `__bench.worker[type]`: when each worker message type first reaches the page.
INIT_SCRIPT = r"""
(() => {
  const B = (window.__bench = { lt: [], loaf: [], marks: {}, worker: {}, lastPost: null, lastResponse: null });
  const now = () => performance.now();
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.lt.push([e.startTime, e.duration]);
    }).observe({ type: "longtask" });
  } catch (e) { B.noLongtask = String(e); }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.duration <= 50) continue;
        B.loaf.push({ start: e.startTime, duration: e.duration, blocking: e.blockingDuration,
          render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
          styleLayout: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
          scripts: e.scripts.map((s) => ({ invoker: s.invoker, type: s.invokerType, source: s.sourceURL,
            duration: s.duration, forcedLayout: s.forcedStyleAndLayoutDuration })) });
      }
    }).observe({ type: "long-animation-frame" });
  } catch (e) { B.noLoaf = String(e); }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const key = "et:" + e.identifier;
        if (!(key in B.marks)) B.marks[key] = e.renderTime || e.loadTime;
      }
    }).observe({ type: "element", buffered: true });
  } catch (e) { B.noElementTiming = String(e); }
  const NativeWorker = window.Worker;
  if (NativeWorker) {
    window.Worker = class extends NativeWorker {
      constructor(...args) {
        super(...args);
        if (B.marks.worker === undefined) B.marks.worker = now();
        this.addEventListener("message", ({ data }) => {
          const type = data && data.type;
          if (type === "response") B.lastResponse = now();
          if (type && !(type in B.worker)) B.worker[type] = { at: now(), ms: data.ms, phases: data.phases };
        });
      }
      postMessage(...args) {
        B.lastPost = now();
        return super.postMessage(...args);
      }
    };
  }
  const mo = new MutationObserver(() => {
    const legend = document.querySelector('[data-role="legend"]');
    if (legend && !legend.hasAttribute("elementtiming")) {
      legend.setAttribute("elementtiming", "question");
      B.marks.question_dom = now();
    }
    const app = document.querySelector("[data-app][data-engine]");
    const state = app && app.dataset.engine;
    if (state === "ready" && B.marks.ready === undefined) B.marks.ready = now();
    if (state === "failed" && B.marks.failed === undefined) B.marks.failed = now();
    if (B.marks.ready !== undefined || B.marks.failed !== undefined) mo.disconnect();
  });
  mo.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-engine"] });
})();
"""

# Read the marks once the page says it is ready (or failed).
COLLECT = r"""
() => {
  const B = window.__bench;
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = Object.fromEntries(performance.getEntriesByType("paint").map((e) => [e.name, e.startTime]));
  return {
    marks: B.marks,
    worker: B.worker,
    lt: B.lt,
    loaf: B.loaf,
    paint,
    nav: nav ? { responseStart: nav.responseStart, domInteractive: nav.domInteractive,
                 domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
                 transferSize: nav.transferSize } : null,
    readyMs: window.__decisionTree ? window.__decisionTree.readyMs : null,
    noLongtask: B.noLongtask || null,
    noElementTiming: B.noElementTiming || null,
  };
}
"""

_PAGE = """<!doctype html>
<html lang="pt-BR">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>{title}</title></head>
<body>
<div data-app="{app}" data-engine="loading"><p data-role="status">{title}</p></div>
<script type="module" src="./main.js"></script>
</body>
</html>
"""

# The page side of both extra pages: start the worker, mark `data-engine`
# when it says "ready" (so INIT_SCRIPT times it exactly as for the wizard).
_MAIN = """
const app = document.querySelector("[data-app]");
const params = new URLSearchParams(location.search);
const worker = new Worker(new URL("./worker.js?" + params, import.meta.url), { type: "module" });
window.__benchResult = new Promise((resolve) => {
  worker.addEventListener("message", ({ data }) => {
    if (data.type === "ready") app.dataset.engine = "ready";
    if (data.type === "failed") app.dataset.engine = "failed";
    if (data.type === "done" || data.type === "failed") resolve(data);
  });
});
"""

# Bare Pyodide: the pinned core, the site's lock file, nothing else. "ready"
# when loadPyodide resolves; then runPython("1") and "ran".
_BARE_WORKER = """
const indexURL = new URL("../assets/pyodide/", self.location.href).href;
const t0 = performance.now();
try {
  const { loadPyodide } = await import(indexURL + "pyodide.mjs");
  const t1 = performance.now();
  const pyodide = await loadPyodide({ indexURL, lockFileURL: indexURL + "pyodide-lock.json", stdout: () => {}, stderr: () => {} });
  const t2 = performance.now();
  self.postMessage({ type: "ready", ms: t2 - t0, phases: { import: t1 - t0, loadPyodide: t2 - t1 } });
  pyodide.runPython("1");
  const t3 = performance.now();
  self.postMessage({ type: "ran", ms: t3 - t0 });
  self.postMessage({ type: "done", phases: { import: t1 - t0, loadPyodide: t2 - t1, runPython1: t3 - t2 } });
} catch (error) {
  self.postMessage({ type: "failed", detail: String(error && error.message || error) });
}
"""

# The product worker's start (docs/assets/app/worker.js), one phase at a time.
# ?mode=product: loadPyodide with packages:["decision-tree"] and the same
#   INIT, split into its statements: what the product does;
# ?mode=split: loadPyodide alone, then loadPackage("decision-tree"), the
#   standard-library modules the engine imports, the compilation of each
#   engine module, then each module's import (execution, mostly @dataclass);
# ?mode=fs: no wheel: the engine's files (the wheel's content, as one JSON)
#   written with pyodide.FS, the bundle read with open(): a cheaper start.
_PROFILE_WORKER = r"""
const indexURL = new URL("../assets/pyodide/", self.location.href).href;
const mode = new URLSearchParams(self.location.search).get("mode") || "product";
const phases = {};
let t = performance.now();
const t0 = t;
const lap = (name) => { const n = performance.now(); phases[name] = n - t; t = n; };
const MODULES = ["model", "numbers", "urls", "outcome", "engine", "pricing", "api"];  // decision_tree/core
try {
  const filesPromise = mode === "fs" ? fetch("./engine-files.json").then((r) => r.json()) : null;
  const { loadPyodide } = await import(indexURL + "pyodide.mjs");
  lap("import pyodide.mjs");
  const options = { indexURL, lockFileURL: indexURL + "pyodide-lock.json", packageBaseUrl: indexURL, stdout: () => {}, stderr: () => {} };
  if (mode === "product") options.packages = ["decision-tree"];
  const pyodide = await loadPyodide(options);
  lap(mode === "product" ? "loadPyodide + wheel" : "loadPyodide");
  if (mode === "split") {
    await pyodide.loadPackage("decision-tree", { messageCallback: () => {}, errorCallback: () => {} });
    lap("loadPackage(wheel)");
    for (const mod of ["re", "json", "typing", "decimal", "dataclasses"]) {
      pyodide.runPython(`import ${mod}`);
      lap(`import ${mod}`);
    }
    pyodide.runPython("import importlib.util; _dt_origin = importlib.util.find_spec('decision_tree').submodule_search_locations[0]");
    lap("find decision_tree");
    for (const mod of MODULES) {
      pyodide.runPython(`compile(open(_dt_origin + '/core/${mod}.py', encoding='utf-8').read(), '${mod}.py', 'exec')`);
      lap(`compile ${mod}.py`);
    }
    for (const mod of MODULES) {
      pyodide.runPython(`import decision_tree.core.${mod}`);
      lap(`import decision_tree.core.${mod}`);
    }
  }
  if (mode === "fs") {
    const files = await filesPromise;
    lap("engine-files.json");
    const dir = pyodide.runPython("import sys; [p for p in sys.path if p.endswith('site-packages')][0]");
    for (const [name, text] of Object.entries(files)) {
      const path = `${dir}/${name}`;
      pyodide.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
      pyodide.FS.writeFile(path, text);
    }
    lap("FS.writeFile engine files");
    pyodide.runPython("import decision_tree.core.api as api");
    lap("import decision_tree.core.api");
    pyodide.runPython(
      "import os, decision_tree\n" +
      "text = open(os.path.join(os.path.dirname(decision_tree.__file__), 'bundle.json'), encoding='utf-8').read()");
    lap("read bundle.json (open)");
  } else {
    pyodide.runPython("import importlib.resources");
    lap("import importlib.resources");
    pyodide.runPython("import decision_tree.core.api as api");
    lap("import decision_tree.core.api");
    pyodide.runPython('text = importlib.resources.files("decision_tree").joinpath("bundle.json").read_text("utf-8")');
    lap("read bundle.json");
  }
  pyodide.runPython("api.init(text)");
  lap("api.init(bundle)");
  const handle = pyodide.pyimport("decision_tree.core.api").handle;
  lap("pyimport handle");
  self.postMessage({ type: "ready", ms: performance.now() - t0 });
  const first = JSON.parse(handle(JSON.stringify({ op: "view", state: "" })));
  lap("first request (view)");
  const option = first.question.options[0].id;
  const times = [];
  for (let i = 0; i < 30; i++) {
    const a = performance.now();
    handle(JSON.stringify({ op: "answer", state: first.state, option }));
    times.push(performance.now() - a);
  }
  times.sort((a, b) => a - b);
  self.postMessage({ type: "done", mode, phases, answerMedian: times[15], answerMax: times[29],
                     bundleChars: pyodide.runPython("len(text)") });
} catch (error) {
  self.postMessage({ type: "failed", detail: String(error && error.message || error), phases });
}
"""


def engine_files(site: Path) -> bytes:
    """The engine wheel's files (not its metadata) as one JSON object {path: text}, for ?mode=fs."""
    wheels = sorted((site / "assets" / "pyodide").glob("decision_tree-*.whl"))
    if not wheels:
        return b"{}"
    with zipfile.ZipFile(wheels[-1]) as z:
        files = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("decision_tree/")}
    return json.dumps(files, ensure_ascii=False).encode("utf-8")


def overlay(site: Path) -> dict[str, bytes]:
    """URL path -> content of the extra pages."""
    return {
        "/bench-profile/engine-files.json": engine_files(site),
        "/bench-bare/index.html": _PAGE.format(title="Pyodide puro", app="bare").encode(),
        "/bench-bare/main.js": _MAIN.encode(),
        "/bench-bare/worker.js": _BARE_WORKER.encode(),
        "/bench-profile/index.html": _PAGE.format(title="Perfil do worker", app="profile").encode(),
        "/bench-profile/main.js": _MAIN.encode(),
        "/bench-profile/worker.js": _PROFILE_WORKER.encode(),
    }


# Walk paths of the wizard in the page. For each answer: check the radio,
# press "Próxima" (a real click on the submit button, so the page's own
# submit handler runs), and time from just before the click to the
# MutationObserver callback that sees the next step rendered (the history
# list grew by one), then to the end of the next frame (rAF + a message,
# i.e. after the frame that paints it). Between paths, "Recomeçar".
ANSWER_PATHS = r"""
async (paths) => {
  const app = document.querySelector('[data-app="wizard"]');
  const form = app.querySelector('[data-role="question"]');
  const outcome = app.querySelector('[data-role="outcome"]');
  const count = () => app.querySelectorAll('[data-role="history-list"] > li').length;
  const afterFrame = () => new Promise((resolve) => requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve(performance.now());
    ch.port2.postMessage(0);
  }));
  const until = (pred) => new Promise((resolve, reject) => {
    const mo = new MutationObserver(() => { if (pred()) { mo.disconnect(); clearTimeout(timer); resolve(performance.now()); } });
    const timer = setTimeout(() => { mo.disconnect(); reject(new Error("no render within 10 s")); }, 10000);
    mo.observe(app, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  const answers = [], painted = [], restarts = [], split = [];
  for (const path of paths) {
    for (const option of path) {
      const radio = form.querySelector(`input[name="option"][value="${CSS.escape(option)}"]`);
      if (!radio) throw new Error(`option ${option} not on the page (question ${form.dataset.question})`);
      radio.click();
      const n = count();
      const rendered = until(() => count() === n + 1);
      const t0 = performance.now();
      form.querySelector('[data-action="next"]').click();
      const t1 = await rendered;
      const B = window.__bench;
      const post = B.lastPost, resp = B.lastResponse;
      const t2 = await afterFrame();
      answers.push(t1 - t0);
      painted.push(t2 - t0);
      // click -> postMessage (page JS), -> response (worker), -> rendered (page JS)
      split.push([post - t0, resp - post, t1 - resp]);
    }
    if (outcome.hidden) throw new Error("path did not end in an outcome");
    const back = until(() => count() === 0 && !form.hidden);
    const t0 = performance.now();
    outcome.querySelector('[data-action="restart"]').click();
    restarts.push((await back) - t0);
  }
  return { answers, painted, restarts, split };
}
"""

# Type new minutes into the calculator: set the field, dispatch `input` as
# typing does, time until the total's text changes (and the next frame).
# Also the engine's round trip alone (window.__decisionTree.request).
CALC_CHANGES = r"""
async (values) => {
  const app = document.querySelector('[data-app="calculator"]');
  const input = app.querySelector('input[name="minutes"]');
  const total = () => { const n = app.querySelector('[data-role="total"]'); return n ? n.textContent : null; };
  const afterFrame = () => new Promise((resolve) => requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve(performance.now());
    ch.port2.postMessage(0);
  }));
  const until = (pred) => new Promise((resolve, reject) => {
    const mo = new MutationObserver(() => { if (pred()) { mo.disconnect(); clearTimeout(timer); resolve(performance.now()); } });
    const timer = setTimeout(() => { mo.disconnect(); reject(new Error("total unchanged after 10 s")); }, 10000);
    mo.observe(app, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  // the first quote (computed on load) must be on the page
  for (let i = 0; i < 200 && total() === null; i++) await new Promise((r) => setTimeout(r, 50));
  const changes = [], painted = [], engine = [], split = [];
  for (const v of values) {
    const before = total();
    const changed = until(() => total() !== null && total() !== before);
    input.value = v;
    const t0 = performance.now();
    input.dispatchEvent(new Event("input", { bubbles: true }));
    const t1 = await changed;
    const B = window.__bench;
    const post = B.lastPost, resp = B.lastResponse;
    const t2 = await afterFrame();
    changes.push(t1 - t0);
    painted.push(t2 - t0);
    // input -> postMessage (the page's debounce), -> response (worker), -> rendered (page JS)
    split.push([post - t0, resp - post, t1 - resp]);
  }
  const form = app.querySelector('[data-role="form"]');
  const taxes = [...form.querySelectorAll("[data-tax-name]")].map((i) => ({ name: i.dataset.taxName, percent: i.value }));
  for (const v of values) {
    const req = { op: "quote", mode: form.elements.mode.value, audience: form.elements.audience.value,
                  minutes: v, rate: form.elements.rate.value, waived: false, taxes };
    const t0 = performance.now();
    await window.__decisionTree.request(req);
    engine.push(performance.now() - t0);
  }
  return { changes, painted, engine, split };
}
"""

# The wizard engine's round trip alone, for the same answers.
ENGINE_ANSWERS = r"""
async (paths) => {
  const times = [];
  for (const path of paths) {
    let state = "";
    for (const option of path) {
      const t0 = performance.now();
      const view = await window.__decisionTree.request({ op: "answer", state, option });
      times.push(performance.now() - t0);
      state = view.state;
    }
  }
  return times;
}
"""
