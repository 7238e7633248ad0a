// Type new minutes into the calculator: set the field, dispatch `input` as typing does, time until
// the total's text changes (and the next frame). Also the engine's round trip alone, through the
// page's documented request (window.__decisionTree.request, an `op: "quote"` of decision_tree/core/api.py).
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
