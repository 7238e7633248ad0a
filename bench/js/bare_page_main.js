// /bench-bare-main/main.js: Pyodide alone on the page's main thread (the same start, no worker).
import { bare } from "../bench-bare/start.js";
const app = document.querySelector("[data-app]");
const B = window.__bench;
bare((m) => {
  if (m.type === "ready") app.dataset.engine = "ready";
  if (B && !(m.type in B.worker)) B.worker[m.type] = { at: performance.now(), ms: m.ms, phases: m.phases };
}).catch(() => (app.dataset.engine = "failed"));
