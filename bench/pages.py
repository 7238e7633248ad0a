"""What the benchmark puts in the browser: an init script and three extra pages.

The extra pages are served from memory under `/bench-bare/` (Pyodide alone in
a module worker), `/bench-bare-main/` (Pyodide alone on the page's main
thread) and `/bench-profile/` (the product's start, phase by phase; see
server.Server's overlay); nothing is written into the built site. They load
the same Pyodide files the site serves, from `/assets/pyodide/` (the core
folder named in the site's engine.json).
"""

from __future__ import annotations

import json
from pathlib import Path

# Runs before any script of every page (Playwright's add_init_script).
# - `__bench.lt`: long tasks of the main thread, observed from the start;
# - `__bench.marks.question_dom` / `et:question`: the wizard's first question
#   legend gets `elementtiming` as soon as the parser inserts it, so Chromium
#   reports the render time of the frame that first painted its text;
# - `__bench.marks.ready`: when the app's `data-engine` attribute (set by
#   client.js from the worker's "ready" message) becomes "ready";
# - `__bench.marks.worker`: when the page constructs its Web Worker, and
#   `__bench.worker[type]`: when each worker message type first reaches the page;
# - with `window.__benchAnswerFirst` (a second init script): as soon as the
#   wizard is mounted, pick its first option and press "Próxima", as a person
#   who answers at once; `answer_click`, then `first_answer` when the answer
#   is processed (the history list shows it: the engine answered and the page
#   rendered the next question).
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
  const answerFirst = () => {
    if (!window.__benchAnswerFirst || B.marks.answer_click !== undefined) return;
    const app = document.querySelector('[data-app="wizard"][data-mounted]');
    const form = app && app.querySelector('[data-role="question"]');
    const radio = form && form.querySelector('input[name="resposta"]');
    if (!radio) return;
    B.marks.answer_click = now();
    setTimeout(() => {
      radio.click();
      form.querySelector('[data-action="next"]').click();
    }, 0);
    const done = new MutationObserver(() => {
      if (app.querySelectorAll('[data-role="history-list"] > li').length > 0) {
        B.marks.first_answer = now();
        done.disconnect();
      }
    });
    done.observe(app, { subtree: true, childList: true });
  };
  const mo = new MutationObserver(() => {
    answerFirst();
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
  mo.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-engine", "data-mounted"] });
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
    start: window.__decisionTree ? window.__decisionTree.start : null,
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

# Pyodide alone in a module worker (/bench-bare/): the pinned core, the
# site's lock file, nothing else. "ready" when loadPyodide resolves, then
# runPython("1") and "ran". The page marks `data-engine` on "ready", so
# INIT_SCRIPT times it exactly as for the wizard.
_BARE_PAGE_WORKER = """
const app = document.querySelector("[data-app]");
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
worker.addEventListener("message", ({ data }) => {
  if (data.type === "ready") app.dataset.engine = "ready";
  if (data.type === "failed") app.dataset.engine = "failed";
});
"""
_BARE_START = """
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
"""
_BARE_WORKER = """
import { bare } from "./start.js";
bare((m) => self.postMessage(m)).catch((error) => self.postMessage({ type: "failed", detail: String(error && error.message || error) }));
"""
# Pyodide alone on the page's main thread (/bench-bare-main/): the same start, no worker.
_BARE_PAGE_MAIN = """
import { bare } from "../bench-bare/start.js";
const app = document.querySelector("[data-app]");
const B = window.__bench;
bare((m) => {
  if (m.type === "ready") app.dataset.engine = "ready";
  if (B && !(m.type in B.worker)) B.worker[m.type] = { at: performance.now(), ms: m.ms, phases: m.phases };
}).catch(() => (app.dataset.engine = "failed"));
"""

# The breakdown (/bench-profile/?mode=normal|snapshot&where=worker|main|handoff):
# the product worker's start (docs/assets/app/worker.js) with a time stamp at
# every phase, Pyodide's own included (through its `createPyodideModule`
# option and, for the bench only, its private finalizeBootstrap and
# restoreSnapshot). mode=normal loads the wheel after loadPyodide (the product
# loads it during; this separates the two). where=handoff: the page compiles
# pyodide.asm.wasm (where Chromium's code cache works) and hands the
# WebAssembly.Module to the worker, which instantiates it instead of compiling
# its own copy. The marks are ms since the start function began.
_PROFILE_START = r"""
const base = new URL("../assets/pyodide/", location.href);
export async function profile({ mode, module }) {
  const T = {};
  const t0 = performance.now();
  const mark = (k) => { if (!(k in T)) T[k] = performance.now() - t0; };
  const [manifest, lock] = await Promise.all([
    fetch(new URL("engine.json", base)).then((r) => r.json()),
    fetch(new URL("pyodide-lock.json", base)).then((r) => r.text()),
  ]);
  mark("engine.json + lock");
  const indexURL = new URL(manifest.core, base).href;
  // as the product: both scripts and the WebAssembly at once (or the page's compiled module)
  const core = import(indexURL + "pyodide.mjs").then((m) => (mark("import pyodide.mjs"), m));
  const glue = import(indexURL + "pyodide.asm.mjs").then((m) => (mark("import pyodide.asm.mjs"), m));
  const compiled = (module || WebAssembly.compileStreaming(fetch(indexURL + "pyodide.asm.wasm")))
    .then((m) => (mark(module ? "wasm compiled (page)" : "wasm compiled"), m));
  WebAssembly.instantiateStreaming = async (response, imports) => {
    const m = await compiled;
    const instance = await WebAssembly.instantiate(m, imports);
    mark("wasm instantiated");
    return { module: m, instance };
  };
  let memory = null;
  if (mode === "snapshot") {
    memory = Promise.all(manifest.snapshot.slices.map(async (s) => {
      const r = await fetch(new URL(s.file, base), { integrity: s.integrity });
      return [s.offset, new Uint8Array(await new Response(r.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer())];
    })).then((parts) => {
      const m = new Uint8Array(manifest.snapshot.size);
      for (const [offset, data] of parts) m.set(data, offset);
      mark("snapshot read");
      return m;
    });
  }
  const { loadPyodide } = await core;
  const create = (await glue).default;
  const createPyodideModule = (settings) => {
    settings.onRuntimeInitialized = () => mark("stdlib written");
    return create(settings).then((m) => {
      mark(mode === "snapshot" ? "runtime ready" : "interpreter started");
      const API = m.API, finalize = API.finalizeBootstrap, restore = API.restoreSnapshot;
      API.restoreSnapshot = (...a) => { const r = restore(...a); mark("memory restored"); return r; };
      API.finalizeBootstrap = (...a) => { const r = finalize(...a); mark("Pyodide bootstrap"); return r; };
      return m;
    });
  };
  const options = { indexURL, lockFileContents: lock, packageBaseUrl: base.href, createPyodideModule, stdout: () => {}, stderr: () => {} };
  if (memory) {
    options._loadSnapshot = memory;
    options.stdLibURL = new URL(manifest.snapshot.stdlib_placeholder, base).href;
  }
  const pyodide = await loadPyodide(options);
  mark("loadPyodide");
  if (mode !== "snapshot") {
    await pyodide.loadPackage("decision-tree", { messageCallback: () => {}, errorCallback: () => {} });
    mark("wheel loaded");
    pyodide.runPython("import importlib.resources\nimport decision_tree.core.api as api");
    mark("engine imported");
    pyodide.runPython('api.init(importlib.resources.files("decision_tree").joinpath("bundle.json").read_text("utf-8"))');
    mark("api.init");
  }
  const handle = pyodide.pyimport("decision_tree.core.api").handle;
  const first = JSON.parse(handle(JSON.stringify({ op: "view" })));
  mark("first request");
  const option = first.view.question.options[0].id;
  const times = [];
  for (let i = 0; i < 30; i++) {
    const a = performance.now();
    handle(JSON.stringify({ op: "answer", state: first.view.state, option }));
    times.push(performance.now() - a);
  }
  times.sort((a, b) => a - b);
  return { type: "done", mode, marks: T, ms: T["first request"], answerMedian: times[15], answerMax: times[29] };
}
"""
_PROFILE_WORKER = r"""
import { profile } from "./start.js";
const mode = new URLSearchParams(self.location.search).get("mode") || "normal";
let resolveModule;
const module = new Promise((resolve) => (resolveModule = resolve));
self.addEventListener("message", ({ data }) => { if (data.type === "module") resolveModule(data.module); });
const run = (withModule) => profile({ mode, module: withModule ? module : null })
  .then((r) => self.postMessage(r))
  .catch((error) => self.postMessage({ type: "failed", detail: String(error && error.stack || error) }));
self.addEventListener("message", ({ data }) => { if (data.type === "start") run(data.handoff); });
"""
_PROFILE_PAGE = r"""
import { profile } from "./start.js";
const app = document.querySelector("[data-app]");
const params = new URLSearchParams(location.search);
const mode = params.get("mode") || "normal";
const where = params.get("where") || "worker";
const t0 = performance.now();
const finish = (data) => {
  app.dataset.engine = data.type === "done" ? "ready" : "failed";
  return { ...data, pageMs: performance.now() - t0 };
};
window.__benchResult = (async () => {
  const failed = (e) => ({ type: "failed", detail: String(e && e.stack || e) });
  if (where === "main") return finish(await profile({ mode, module: null }).catch(failed));
  const worker = new Worker(new URL("./worker.js?mode=" + mode, import.meta.url), { type: "module" });
  const done = new Promise((resolve) => worker.addEventListener("message", ({ data }) => resolve(data)));
  worker.postMessage({ type: "start", handoff: where === "handoff" });
  if (where === "handoff") {
    const manifest = await (await fetch("../assets/pyodide/engine.json")).json();
    const a = performance.now();
    const wasm = new URL("../assets/pyodide/" + manifest.core + "pyodide.asm.wasm", location.href);
    const module = await WebAssembly.compileStreaming(fetch(wasm));
    const compileMs = performance.now() - a;
    worker.postMessage({ type: "module", module });
    return finish({ ...(await done), pageCompileMs: compileMs });
  }
  return finish(await done);
})();
"""


def core_dir(site: Path) -> str:
    """The Pyodide core folder of a built site, relative to assets/pyodide/ (from its engine.json)."""
    manifest = site / "assets" / "pyodide" / "engine.json"
    return json.loads(manifest.read_text(encoding="utf-8"))["core"]


def overlay(site: Path) -> dict[str, bytes]:
    """URL path -> content of the extra pages."""
    start = f"const CORE = {json.dumps(core_dir(site))};\n" + _BARE_START
    return {
        "/bench-bare/index.html": _PAGE.format(title="Pyodide sozinho (Worker)", app="bare").encode(),
        "/bench-bare/main.js": _BARE_PAGE_WORKER.encode(),
        "/bench-bare/start.js": start.encode(),
        "/bench-bare/worker.js": _BARE_WORKER.encode(),
        "/bench-bare-main/index.html": _PAGE.format(title="Pyodide sozinho (página)", app="bare").encode(),
        "/bench-bare-main/main.js": _BARE_PAGE_MAIN.encode(),
        "/bench-profile/index.html": _PAGE.format(title="Perfil do início", app="profile").encode(),
        "/bench-profile/main.js": _PROFILE_PAGE.encode(),
        "/bench-profile/start.js": _PROFILE_START.encode(),
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
      const radio = form.querySelector(`input[name="resposta"][value="${CSS.escape(option)}"]`);
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

# Back to the first question ("Recomeçar" of the question form), e.g. after the first answer INIT_SCRIPT gave.
RESTART = r"""
async () => {
  const app = document.querySelector('[data-app="wizard"]');
  const count = () => app.querySelectorAll('[data-role="history-list"] > li').length;
  if (count() === 0) return;
  app.querySelector('[data-role="question"] [data-action="restart"]').click();
  for (let i = 0; i < 200 && count() > 0; i++) await new Promise((r) => setTimeout(r, 25));
  if (count() > 0) throw new Error("Recomeçar did not go back to the first question");
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
