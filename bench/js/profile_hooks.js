// The start breakdown's instruments, in the product's own worker (bench/pages.py serves this file and
// profile_worker.js beside docs/assets/app/worker.js, so the worker's relative URLs resolve as on the site).
// Imported before worker.js, it wraps only standard web APIs the worker calls, never the worker's code:
// fetch (each file's response), WebAssembly.compileStreaming / instantiate, and postMessage (the worker's
// own "progress", "ready", "failed" and "warm" messages). After "ready" it adds the Resource Timing of
// every file the worker downloaded and posts one {type: "bench-profile"} message, which the page's
// client.js ignores (bench/js/init.js keeps it). Times are ms since this worker's time origin.
const marks = [];
const mark = (name, detail = "") => marks.push({ name, detail, at: performance.now() });
// A file as the site names it: its path under assets/ (e.g. "pyodide/snapshot-…/0.gz").
const fileName = (url) => new URL(String(url), self.location.href).pathname.replace(/^.*?\/assets\//, "");

const nativeFetch = self.fetch.bind(self);
self.fetch = (input, options) => {
  const url = typeof input === "string" || input instanceof URL ? String(input) : input.url;
  const response = nativeFetch(input, options);
  response.then((r) => mark("response", `${fileName(url)} ${r.status}`), () => mark("fetch failed", fileName(url)));
  return response;
};

// Only the streamed modules count (Pyodide's core): Pyodide also instantiates tiny modules to detect features.
const streamed = new WeakSet();
const nativeCompile = WebAssembly.compileStreaming && WebAssembly.compileStreaming.bind(WebAssembly);
if (nativeCompile) {
  WebAssembly.compileStreaming = (source) => {
    mark("wasm compile started");
    const compiled = nativeCompile(source);
    compiled.then((module) => (streamed.add(module), mark("wasm compiled")), () => mark("wasm compile failed"));
    return compiled;
  };
}
const nativeInstantiate = WebAssembly.instantiate.bind(WebAssembly);
WebAssembly.instantiate = (...args) => {
  const made = nativeInstantiate(...args);
  if (streamed.has(args[0])) made.then(() => mark("wasm instantiated"), () => mark("wasm instantiate failed"));
  return made;
};
const nativeStreaming = WebAssembly.instantiateStreaming && WebAssembly.instantiateStreaming.bind(WebAssembly);
if (nativeStreaming) {
  WebAssembly.instantiateStreaming = (...args) => {
    const made = nativeStreaming(...args);
    made.then(() => mark("wasm instantiated"), () => mark("wasm instantiate failed"));
    return made;
  };
}

const resources = () =>
  performance.getEntriesByType("resource").map((e) => ({
    name: fileName(e.name),
    start: e.startTime,
    responseStart: e.responseStart,
    end: e.responseEnd,
    transfer: e.transferSize,
    body: e.encodedBodySize,
  }));

const nativePost = self.postMessage.bind(self);
let progress = 0;
self.postMessage = (message, ...rest) => {
  const type = message && message.type;
  if (type === "progress") mark(`progress ${++progress}`, message.text || "");
  else if (type === "ready" || type === "failed" || type === "warm") mark(type, type === "ready" ? (message.start || {}).mode || "" : "");
  const result = nativePost(message, ...rest);
  if (type === "ready" || type === "failed") {
    setTimeout(() => nativePost({ type: "bench-profile", marks, resources: resources(), timeOrigin: performance.timeOrigin }), 0);
  }
  return result;
};
mark("worker started");
