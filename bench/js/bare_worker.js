// /bench-bare/worker.js: the baseline's start in a module worker.
import { bare } from "./start.js";
bare((m) => self.postMessage(m)).catch((error) => self.postMessage({ type: "failed", detail: String(error && error.message || error) }));
