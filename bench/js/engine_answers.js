// The wizard engine's round trip alone, for the same answers: `op: "answer"` requests through
// window.__decisionTree.request (the page's client.js), no rendering.
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
