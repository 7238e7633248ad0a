// /bench-bare/main.js: Pyodide alone in a module worker; the page marks `data-engine` on "ready",
// so init.js times it exactly as for the wizard.
const app = document.querySelector("[data-app]");
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
worker.addEventListener("message", ({ data }) => {
  if (data.type === "ready") app.dataset.engine = "ready";
  if (data.type === "failed") app.dataset.engine = "failed";
});
