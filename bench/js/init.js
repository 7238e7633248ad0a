// Runs before any script of every page (Playwright's add_init_script; bench/pages.py).
// - `__bench.lt`, `__bench.loaf`: the main thread's long tasks and long animation frames (with the
//   scripts they ran), observed from the start;
// - `__bench.marks.question_dom` / `et:question`: the wizard's first question legend gets
//   `elementtiming` as soon as the parser inserts it, so Chromium reports the render time of the
//   frame that first painted its text;
// - `__bench.marks.ready`: when the app's `data-engine` attribute (set by client.js from the
//   worker's "ready" message) becomes "ready";
// - `__bench.marks.worker`: when the page constructs its Web Worker, and `__bench.worker[type]`:
//   when each worker message type first reaches the page;
// - with `window.__benchAnswerFirst` (a second init script): as soon as the wizard is mounted,
//   pick its first option and press "Próxima", as a person who answers at once; `answer_click`,
//   then `first_answer` when the answer is processed (the history list shows it: the engine
//   answered and the page rendered the next question).
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
  // With window.__benchProfile (the start breakdown): the product's worker.js, started through
  // bench-profile-worker.js beside it (profile_worker.js), which installs profile_hooks.js first.
  const profiled = (url) => {
    const u = new URL(String(url), location.href);
    if (!u.pathname.endsWith("/worker.js")) return url;
    u.pathname = u.pathname.replace(/worker\.js$/, "bench-profile-worker.js");
    return u;
  };
  const NativeWorker = window.Worker;
  if (NativeWorker) {
    window.Worker = class extends NativeWorker {
      constructor(url, ...rest) {
        super(window.__benchProfile ? profiled(url) : url, ...rest);
        if (B.marks.worker === undefined) B.marks.worker = now();
        this.addEventListener("message", ({ data }) => {
          const type = data && data.type;
          if (type === "response") B.lastResponse = now();
          if (type === "bench-profile") B.profile = data;
          else if (type && !(type in B.worker)) B.worker[type] = { at: now(), ms: data.ms };
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
