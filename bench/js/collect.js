// Read the marks once the page says it is ready (or failed): page.evaluate(collect.js).
() => {
  const B = window.__bench;
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = Object.fromEntries(performance.getEntriesByType("paint").map((e) => [e.name, e.startTime]));
  return {
    marks: B.marks,
    worker: B.worker,
    lt: B.lt,
    loaf: B.loaf,
    paint,
    nav: nav ? { responseStart: nav.responseStart, domInteractive: nav.domInteractive,
                 domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
                 transferSize: nav.transferSize } : null,
    readyMs: window.__decisionTree ? window.__decisionTree.readyMs : null,
    start: window.__decisionTree ? window.__decisionTree.start : null,
    noLongtask: B.noLongtask || null,
    noElementTiming: B.noElementTiming || null,
  };
}
