// Walk paths of the wizard in the page, like a person. For each answer: check the radio, press
// "Próxima" (a real click on the submit button, so the page's own submit handler runs), and time
// from just before the click to the MutationObserver callback that sees the next step rendered (the
// history list grew by one), then to the end of the next frame (rAF + a message, i.e. after the
// frame that paints it). Between paths, "Recomeçar". Argument: the option ids of each path.
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
