// Run by decision_tree/sitegen/snapshot.py in Node: start Pyodide, write the
// engine's files into site-packages, import and initialise the engine as the
// page's worker does, and save Pyodide's memory snapshot (private API of the
// pinned Pyodide: `_makeSnapshot`, `makeMemorySnapshot`, `_loadSnapshot`).
// Then restore the snapshot in a second Pyodide and check that both answer the
// same requests identically, so a snapshot that does not restore is never
// published.
//
//   node snapshot.mjs INDEX_DIR LOCK_FILE OUT_FILE < request.json
//
// stdin: {"files": {"decision_tree/x.py": "text", ...}, "init": "python", "checks": ["<json request>", ...]}
// stdout: {"size": bytes, "version": "pyodide version", "answers": [...]}

import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [indexDir, lockFile, outFile] = process.argv.slice(2);
const input = JSON.parse(readFileSync(0, "utf8"));
const indexURL = indexDir.endsWith("/") ? indexDir : indexDir + "/";
const { loadPyodide, version } = await import(pathToFileURL(indexURL + "pyodide.mjs").href);
const quiet = { stdout: () => {}, stderr: (text) => process.stderr.write(text + "\n") };
// The hash seed is frozen in the snapshot either way; a fixed one keeps rebuilds closer to identical.
const env = { PYTHONHASHSEED: "0" };

const made = await loadPyodide({ indexURL, lockFileURL: lockFile, env, _makeSnapshot: true, ...quiet });
const sitePackages = made._api.sitepackages;
for (const [name, text] of Object.entries(input.files)) {
  const path = `${sitePackages}/${name}`;
  made.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
  made.FS.writeFile(path, text);
}
made.runPython(input.init);
const snapshot = made.makeMemorySnapshot(); // a copy: what runs below does not change it
const expected = input.checks.map((request) => made.pyimport("decision_tree.core.api").handle(request));

const restored = await loadPyodide({ indexURL, lockFileURL: lockFile, env, _loadSnapshot: snapshot, ...quiet });
const again = restored.pyimport("decision_tree.core.api").handle;
const answers = input.checks.map((request) => again(request));
answers.forEach((answer, i) => {
  if (answer !== expected[i]) {
    throw new Error(`the restored snapshot answers ${input.checks[i]} differently:\n${answer}\ninstead of\n${expected[i]}`);
  }
});
writeFileSync(outFile, snapshot);
process.stdout.write(JSON.stringify({ size: snapshot.length, version, answers }));
