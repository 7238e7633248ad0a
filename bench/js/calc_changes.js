// Type new minutes into the calculator: set the field, dispatch `input` as typing does, time until
// the total's text changes (and the next frame). Also the engine's round trip alone, through the
// page's documented request (window.__decisionTree.request, an `op: "quote"` of decision_tree/core/api.py).
// timed(), until(), afterFrame(): dom_wait.js, put before this file by bench/pages.py.
async (values) => {
  const app = document.querySelector('[data-app="calculator"]');
  const input = app.querySelector('input[name="minutes"]');
  const total = () => { const n = app.querySelector('[data-role="total"]'); return n ? n.textContent : null; };
  // the first quote (computed on load) must be on the page
  for (let i = 0; i < 200 && total() === null; i++) await new Promise((r) => setTimeout(r, 50));
  const changes = [], painted = [], engine = [], split = [];
  for (const v of values) {
    const before = total();
    input.value = v;
    // input -> postMessage (the page's debounce), -> response (worker), -> rendered (page JS)
    const t = await timed(app, () => total() !== null && total() !== before, "total unchanged",
      () => input.dispatchEvent(new Event("input", { bubbles: true })));
    changes.push(t.ms);
    painted.push(t.painted);
    split.push(t.split);
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
