// The line span of every function of the given scripts, parsed with acorn (an ECMAScript parser), as JSON:
// [{"file", "lines", "functions": [{"name", "line", "end"}]}]. tests/test_code_size.py reads it.
//   node tests/js_functions.mjs docs/assets/app/*.js
import { readFileSync } from "node:fs";
import { parse } from "acorn";

const FUNCTIONS = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);

function keyName(key) {
  return key && (key.name ?? (typeof key.value === "string" ? key.value : null));
}

// The name a reader gives the function: its own, or the variable, property or method it is assigned to.
function nameOf(node, parent) {
  if (node.id) return node.id.name;
  if (!parent) return "(anonymous)";
  if (parent.type === "VariableDeclarator") return keyName(parent.id) ?? "(anonymous)";
  if (parent.type === "Property" || parent.type === "MethodDefinition" || parent.type === "PropertyDefinition") {
    return keyName(parent.key) ?? "(anonymous)";
  }
  if (parent.type === "AssignmentExpression") {
    const left = parent.left;
    return left.type === "MemberExpression" ? keyName(left.property) ?? "(anonymous)" : keyName(left) ?? "(anonymous)";
  }
  return "(anonymous)";
}

function visit(node, parent, found) {
  if (FUNCTIONS.has(node.type)) {
    found.push({ name: nameOf(node, parent), line: node.loc.start.line, end: node.loc.end.line });
  }
  for (const value of Object.values(node)) {
    const children = Array.isArray(value) ? value : [value];
    for (const child of children) {
      if (child && typeof child.type === "string" && child !== parent) visit(child, node, found);
    }
  }
}

const out = process.argv.slice(2).map((file) => {
  const source = readFileSync(file, "utf8");
  const tree = parse(source, { ecmaVersion: "latest", sourceType: "module", locations: true });
  const functions = [];
  visit(tree, null, functions);
  return { file, lines: (source.match(/\n/g) ?? []).length, functions };
});
process.stdout.write(JSON.stringify(out));
