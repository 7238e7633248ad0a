// The product's worker with the start breakdown's instruments (profile_hooks.js) installed first:
// a module's imports run in order, so the hooks wrap the web APIs before worker.js runs.
import "./bench-profile-hooks.js";
import "./worker.js";
