// Starts the engine's Web Worker (Pyodide + the decision_tree wheel) once per
// browser tab and talks to it. Requests made before the engine is ready are
// kept and sent when it is. No decision or price is computed here: Python
// answers.

const SITE_ROOT = new URL("../../", import.meta.url);
const TIMEOUT_MS = globalThis.__decisionTreeTimeoutMs ?? 60000; // tests may shorten it
const SNAPSHOT = globalThis.__decisionTreeSnapshot; // tests: "never" starts without the saved initial state (worker.js)

/** Absolute URL of a site-relative path such as "modos/x/#y". */
export function siteURL(path) {
  return new URL(path, SITE_ROOT).href;
}

/** Create an element: attrs are attributes ("text" sets textContent, "on…" adds a listener). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/**
 * Copy a text to the clipboard: `html` as text/html (what Zendesk's editor pastes
 * as formatted text) and `plain` as clean text/plain; `html` may be null. Says
 * so in the live region and on the button.
 */
export async function copyText(plain, button, live, html = null) {
  let ok = false;
  try {
    if (html && typeof ClipboardItem === "function") {
      const item = new ClipboardItem({
        "text/html": new Blob([html], { type: "text/html" }),
        "text/plain": new Blob([plain], { type: "text/plain" }),
      });
      await navigator.clipboard.write([item]);
    } else {
      await navigator.clipboard.writeText(plain);
    }
    ok = true;
  } catch {
    const area = el("textarea", { readonly: true, class: "dt-sr-only" });
    area.value = plain;
    document.body.append(area);
    area.select();
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    area.remove();
  }
  if (live) live.textContent = ok ? "Copiado para a área de transferência." : "Não foi possível copiar; selecione o texto e copie.";
  if (button && ok) {
    button.dataset.label ??= button.textContent;
    button.textContent = "Copiado!";
    setTimeout(() => (button.textContent = button.dataset.label), 2000);
  }
  return ok;
}

/** The "Não consta na diretriz" label of a local item, cloned from the page's <template> (templates/_label.j2). */
export function badge(source, root = document) {
  if (!source || source.kind !== "local") return null;
  const template = root.querySelector('[data-role="badge-template"]');
  const node = template.content.firstElementChild.cloneNode(true);
  const link = node.querySelector("a");
  link.href = `${new URL(link.getAttribute("href"), location.href).href.split("#")[0]}#${source.anchor}`;
  const owner = node.querySelector(".kb-owner"); // the client site's label names no owner
  if (owner) owner.textContent = `${template.dataset[source.confirmed ? "confirmed" : "pending"]} ${source.owner_title}`;
  return node;
}

/** Mount `fn(app)` on every `[data-app=name]` of the page (each page is a full load: the site has no instant navigation). */
export function mountEach(name, fn) {
  for (const app of document.querySelectorAll(`[data-app="${name}"]:not([data-mounted])`)) {
    app.dataset.mounted = "";
    fn(app);
  }
}

let engine = null;

/** A request to the engine from a module beside a mounted tool (the Zendesk adapter): the same worker. */
export function engineRequest(obj) {
  engine ??= boot();
  return engine.request(obj);
}

/** The engine's state and its request queue; `e.fail(reason)` ends it, `e.request(obj)` asks it. */
function newEngine() {
  const e = { state: "loading", progress: "", reason: "", readyMs: null, start: null, views: new Set() };
  Object.assign(e, { worker: null, timer: null, pending: new Map(), queue: [], seq: 0, started: performance.now() });
  e.ready = new Promise((resolve, reject) => (e.settle = { resolve, reject }));
  e.ready.catch(() => {});
  e.notify = () => e.views.forEach((view) => view());
  e.fail = (reason) => {
    if (e.state === "failed") return;
    e.state = "failed";
    e.reason = reason;
    clearTimeout(e.timer);
    if (e.worker) e.worker.terminate();
    const error = new Error(reason);
    for (const { reject } of e.pending.values()) reject(error);
    e.pending.clear();
    e.settle.reject(error);
    e.notify();
  };
  e.request = (obj) => {
    if (e.state === "failed") return Promise.reject(new Error(e.reason));
    const id = ++e.seq;
    return new Promise((resolve, reject) => {
      e.pending.set(id, { resolve, reject });
      const message = { id, request: JSON.stringify(obj) };
      if (e.state === "ready") e.worker.postMessage(message);
      else e.queue.push(message);
    });
  };
  return e;
}

/** What the worker says: its progress, that it is ready (the queued requests go then), a failure, an answer. */
function onWorkerMessage(e, m) {
  if (m.type === "progress") {
    e.progress = m.text;
    e.notify();
  } else if (m.type === "ready") {
    e.state = "ready";
    e.readyMs = Math.round(performance.now() - e.started);
    e.start = m.start; // {mode: "snapshot" | "normal", reason}: how the worker started
    clearTimeout(e.timer);
    for (const message of e.queue.splice(0)) e.worker.postMessage(message);
    e.worker.postMessage({ type: "sent" }); // the worker's own work after a restore waits for these answers
    e.settle.resolve();
    e.notify();
  } else if (m.type === "failed") {
    console.warn("decision_tree worker:", m.detail);
    e.fail(`o carregamento falhou (${m.detail}).`);
  } else if (m.type === "response") {
    const entry = e.pending.get(m.id);
    e.pending.delete(m.id);
    if (entry) entry.resolve(JSON.parse(m.response));
  }
}

function boot() {
  const e = newEngine();
  if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
    e.fail("este navegador não oferece WebAssembly (ou ele está bloqueado).");
    return e;
  }
  try {
    const url = new URL("./worker.js", import.meta.url);
    if (SNAPSHOT) url.searchParams.set("snapshot", SNAPSHOT);
    e.worker = new Worker(url, { type: "module" });
  } catch (error) {
    e.fail(`o navegador recusou o processo de segundo plano (${error.message}).`);
    return e;
  }
  e.worker.addEventListener("message", ({ data }) => onWorkerMessage(e, data));
  e.worker.addEventListener("error", (event) => {
    event.preventDefault();
    e.fail("o assistente não pôde ser baixado ou executado.");
  });
  e.timer = setTimeout(() => e.fail(`o carregamento passou de ${TIMEOUT_MS / 1000} segundos.`), TIMEOUT_MS);
  return e;
}

/**
 * The engine, started on first use, with its loading state shown in `app`
 * (status line, fallback message). `what` names the tool ("assistente").
 */
export function startEngine(app, what) {
  engine ??= boot();
  const e = engine;
  const role = (name) => app.querySelector(`[data-role="${name}"]`);
  let waitingText = "";
  const view = () => {
    app.dataset.engine = e.state;
    role("status").hidden = e.state !== "loading";
    role("status-text").textContent = waitingText || e.progress || role("status-text").textContent;
    role("fallback").hidden = e.state !== "failed";
    if (e.state === "failed") {
      role("fallback-text").textContent =
        `Não foi possível iniciar o ${what} no navegador: ${e.reason} ` +
        "Use a tabela de decisão estática, que traz as mesmas perguntas e resultados.";
      app.dispatchEvent(new CustomEvent("dt-failed"));
    }
  };
  e.views.add(view);
  view();
  window.__decisionTree = {
    request: e.request,
    ready: e.ready,
    get state() {
      return e.state;
    },
    get readyMs() {
      return e.readyMs;
    },
    get start() {
      return e.start;
    },
  };
  return {
    request: e.request,
    ready: e.ready,
    get state() {
      return e.state;
    },
    /** Say on the status line that a user action waits for the engine. */
    waiting(text) {
      waitingText = text;
      view();
    },
  };
}
