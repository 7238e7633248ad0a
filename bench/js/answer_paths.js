// Walk paths of the wizard in the page, like a person. For each answer: check the radio, press
// "Próxima" (a real click on the submit button, so the page's own submit handler runs), and time
// from just before the click to the MutationObserver callback that sees the next step rendered (the
// history list grew by one), then to the end of the next frame (rAF + a message, i.e. after the
// frame that paints it). Between paths, "Recomeçar". Argument: the option ids of each path.
// timed(), until(), afterFrame(): dom_wait.js, put before this file by bench/pages.py.
async (paths) => {
  const app = document.querySelector('[data-app="wizard"]');
  const form = app.querySelector('[data-role="question"]');
  const outcome = app.querySelector('[data-role="outcome"]');
  const count = () => app.querySelectorAll('[data-role="history-list"] > li').length;
  const answers = [], painted = [], restarts = [], split = [];
  for (const path of paths) {
    for (const option of path) {
      const radio = form.querySelector(`input[name="resposta"][value="${CSS.escape(option)}"]`);
      if (!radio) throw new Error(`option ${option} not on the page (question ${form.dataset.question})`);
      radio.click();
      const n = count();
      // click -> postMessage (page JS), -> response (worker), -> rendered (page JS)
      const t = await timed(app, () => count() === n + 1, "no render", () => form.querySelector('[data-action="next"]').click());
      answers.push(t.ms);
      painted.push(t.painted);
      split.push(t.split);
    }
    if (outcome.hidden) throw new Error("path did not end in an outcome");
    const back = until(app, () => count() === 0 && !form.hidden, "no first question");
    const t0 = performance.now();
    outcome.querySelector('[data-action="restart"]').click();
    restarts.push((await back) - t0);
  }
  return { answers, painted, restarts, split };
}
