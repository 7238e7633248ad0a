// The wizard's read-only view of a code made with an earlier version of the
// tree: what was decided then, with the version and its date, and whether
// today's tree decides differently (all said by the engine:
// decision_tree/core/archived.py). Nothing here can change the old outcome;
// the actions lead to today's tree.
import { badge, copyText, el } from "./client.js";

function block(title, ...children) {
  return el("section", { class: "dt-block" }, el("h3", { text: title }), ...children);
}

/** The steps as they were marked then, each with its mark's status. */
function stepsBlock(steps, labelled) {
  const item = (s) =>
    el(
      "li",
      { "data-done": s.mark ? String(s.done) : null },
      s.title && el("strong", { text: `${s.title} — ` }),
      ...labelled(s.text),
      s.mark && el("span", { class: "dt-hint", "data-role": "step-status" }, " — ", el("strong", { text: s.done ? `${s.mark} ✓` : s.waiting })),
    );
  return block("Etapas, como estavam marcadas", el("ol", { class: "dt-steps", "data-role": "steps" }, steps.map(item)));
}

/** The ticket note of then, and the actions: they all lead to today's tree (or copy the old note). */
function noteBlock(note, today, live, actions) {
  const button = (action, text, onclick, primary = false) =>
    el("button", { type: "button", class: primary ? "md-button md-button--primary" : "md-button", "data-action": action, text, onclick });
  return block(
    "Nota para o ticket, de então",
    el("pre", { class: "dt-note", "data-role": "ticket-note", text: note }),
    el(
      "div",
      { class: "dt-actions" },
      button("restart-today", "Recomeçar com a árvore atual", actions.restart, true),
      today.finished && button("open-today", "Ver o resultado da árvore atual", () => actions.open(today.state)),
      button("copy-note", "Copiar a nota de então", (e) => copyText(note, e.currentTarget, live)),
    ),
  );
}

/**
 * Show `a` (the engine's `archived` answer) in the outcome panel `outcome`.
 * `actions.restart()` starts over with today's tree; `actions.open(code)` opens a code of today's tree.
 */
export function renderArchived(outcome, a, live, actions) {
  const r = a.outcome;
  const today = a.today;
  const list = (name, items, item) => el("ul", { "data-role": name }, items.map(item));
  // A text the guideline does not state, labelled as that version labelled it (the archive lists them with their source).
  const labelled = (text) => {
    const b = Object.hasOwn(r.local, text) ? badge(r.local[text]) : null;
    return b ? [text, " ", b] : [text];
  };
  const parts = [
    el("h2", { id: "dt-outcome-title", tabindex: "-1", "data-role": "outcome-title" }, "Resultado: ", el("span", { "data-role": "mode", text: r.mode_title })),
    el(
      "div",
      { class: "dt-pending", "data-role": "archived-version" },
      el("p", {}, el("strong", { text: a.message })),
      el("p", { text: a.read_only }),
      a.version.changelog && el("p", { text: `Nessa versão: ${a.version.changelog}` }),
    ),
    el("p", { "data-role": "archived-today", "data-differs": String(today.differs) }, el("strong", { text: today.message })),
    el("p", { class: "dt-summary", "data-role": "summary" }, ...labelled(r.summary)),
    r.audience && el("p", {}, "Solicitante: ", el("strong", { "data-role": "audience", text: r.audience })),
    r.pending && el("p", { "data-role": "pending" }, el("strong", { text: "Verificação pendente: " }), r.pending),
    r.criteria.length > 0 &&
      block(
        r.criteria.length > 1 ? "Critérios da diretriz, nessa versão" : "Critério da diretriz, nessa versão",
        list("criteria", r.criteria, (c) => el("li", {}, c.title && el("strong", { text: `${c.title}: ` }), c.text)),
      ),
    r.steps.length > 0 && stepsBlock(r.steps, labelled),
    r.next_steps.length > 0 && block("Próximos passos", list("next-steps", r.next_steps, (s) => el("li", {}, ...labelled(s)))),
    r.billing.length > 0 &&
      block(
        "Tarifação, nessa versão",
        list("billing", r.billing, (b) => el("li", {}, ...labelled(b))),
        r.payer && el("p", {}, "Quem paga: ", el("strong", { "data-role": "payer", text: r.payer })),
      ),
    block("Respostas dadas", list("archived-answers", a.answers, (x) => el("li", {}, el("span", { class: "dt-history-q", text: x.question }), " ", el("strong", { text: x.answer })))),
    noteBlock(r.ticket_note, today, live, actions),
  ];
  outcome.replaceChildren(...parts.filter(Boolean));
}
