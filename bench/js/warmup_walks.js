// bench/warmup_ab.py: walk the tree n times through the page's documented request, timing each answer.
async (n) => {
  const request = window.__decisionTree.request;
  const out = [];
  for (let k = 0; k < n; k++) {
    let r = await request({op: "view"});
    for (let step = 1; r.view && r.view.question && step < 20; step++) {
      const options = r.view.question.options;
      const t0 = performance.now();
      r = await request({op: "answer", state: r.view.state, option: options[(k + step) % options.length].id});
      out.push(performance.now() - t0);
    }
  }
  return out;
}
