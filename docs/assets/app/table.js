// Filters of the decision table: by mode (the answers that can lead to it) and
// from an answer (the part of the tree that follows it). The table is complete
// without JavaScript; this only hides rows. A link from the wizard's static form
// (?pergunta=<question>&resposta=<answer>) opens the table filtered from that answer.
const form = document.querySelector('[data-role="table-filter"]');

if (form) {
  const status = form.querySelector('[data-role="filter-status"]');
  const nodes = [...document.querySelectorAll(".kb-node, .kb-outcomes tr[data-modes]")];
  const rows = [...document.querySelectorAll(".kb-node tr[data-key]")];
  const words = (el, name) => (el.dataset[name] || "").split(" ").filter(Boolean);

  function apply() {
    const mode = form.elements.modalidade.value;
    const from = form.elements.resposta.value;
    const fromNode = from ? document.querySelector(`tr[data-key="${CSS.escape(from)}"]`)?.closest(".kb-node") : null;
    let shown = 0;
    for (const row of rows) {
      const inMode = !mode || words(row, "modes").includes(mode);
      const node = row.closest(".kb-node");
      const inPart = !from || row.dataset.key === from || words(node, "from").includes(from);
      const onlyThisAnswer = from && node === fromNode && row.dataset.key !== from;
      row.hidden = !(inMode && inPart) || onlyThisAnswer;
    }
    for (const node of nodes) {
      const inMode = !mode || words(node, "modes").includes(mode);
      const inPart = !from || node === fromNode || words(node, "from").includes(from);
      const hasRows = !node.matches(".kb-node") || [...node.querySelectorAll("tr[data-key]")].some((r) => !r.hidden);
      node.hidden = !(inMode && inPart && hasRows);
      if (!node.hidden && node.matches(".kb-node")) shown += 1;
    }
    if (!mode && !from) status.textContent = "";
    else if (shown === 0) status.textContent = "Nenhuma pergunta leva a essa modalidade a partir dessa resposta.";
    else status.textContent = `Mostrando ${shown} ${shown === 1 ? "pergunta" : "perguntas"} e os resultados a que ${shown === 1 ? "ela leva" : "elas levam"}.`;
  }

  form.hidden = false;
  form.addEventListener("change", apply);
  form.addEventListener("reset", () => setTimeout(apply));
  const params = new URLSearchParams(location.search);
  const question = params.get("pergunta");
  const answer = params.get("resposta");
  if (question && answer) {
    const key = `${question}.${answer}`;
    if ([...form.elements.resposta.options].some((o) => o.value === key)) {
      form.elements.resposta.value = key;
      apply();
      document.querySelector(`tr[data-key="${CSS.escape(key)}"]`)?.scrollIntoView({ block: "center" });
    }
  }
}
