// What answer_paths.js and calc_changes.js share (bench/pages.py's `program` puts it before them):
// `afterFrame()` resolves after the next frame is painted (rAF, then a message); `until(root, pred, what)`
// resolves with the time of the first DOM change under `root` after which `pred()` holds.
const afterFrame = () => new Promise((resolve) => requestAnimationFrame(() => {
  const ch = new MessageChannel();
  ch.port1.onmessage = () => resolve(performance.now());
  ch.port2.postMessage(0);
}));
const until = (root, pred, what) => new Promise((resolve, reject) => {
  const mo = new MutationObserver(() => { if (pred()) { mo.disconnect(); clearTimeout(timer); resolve(performance.now()); } });
  const timer = setTimeout(() => { mo.disconnect(); reject(new Error(`${what} after 10 s`)); }, 10000);
  mo.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
});
// Do `act()` and time it: until `pred()` holds under `root` (ms), until the next frame (painted), and split:
// act -> the page's postMessage -> the worker's response -> rendered (init.js's lastPost, lastResponse).
const timed = async (root, pred, what, act) => {
  const done = until(root, pred, what);
  const t0 = performance.now();
  act();
  const t1 = await done;
  const { lastPost: post, lastResponse: resp } = window.__bench;
  const t2 = await afterFrame();
  return { ms: t1 - t0, painted: t2 - t0, split: [post - t0, resp - post, t1 - resp] };
};
