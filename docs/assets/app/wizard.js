// The escalation wizard's view: posts answers and marks to the engine and renders
// what Python returns. The whole state is the URL hash
// (#<fingerprint>-<answers>[.<marks>]), one browser history entry per step.
// An answer's markup is cloned from the page's <template> (built with the first
// question), so the question is never written twice.
import { renderArchived } from "./archived.js";
import { badge, copyText, el, mountEach, siteURL, startEngine } from "./client.js";

// The hash as typed: a malformed %-escape is left for Python to reject with a message.
const hashState = () => {
  const raw = location.hash.slice(1);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};
let active = null; // the wizard on the current page (instant navigation may swap it)

window.addEventListener("hashchange", () => {
  if (active && active.app.isConnected) active.onHash();
});

function section(title, ...children) {
  return el("section", { class: "dt-block" }, el("h3", { text: title }), ...children);
}

function button(text, onclick, attrs = {}) {
  return el("button", { type: "button", class: "md-button", text, onclick, ...attrs });
}

function mountWizard(app) {
  const role = (name, root = app) => root.querySelector(`[data-role="${name}"]`);
  const form = role("question");
  const outcome = role("outcome");
  const live = role("live");
  const notice = role("notice");
  const optionTemplate = role("option-template").content.firstElementChild;
  const engine = startEngine(app, "assistente");
  let current = { state: app.dataset.start, history: [] };
  let latest = 0;

  // A text with its "Não consta na diretriz" label when it is a local definition.
  const labelled = (source) => {
    const b = badge(source, app);
    return b ? [" ", b] : [];
  };
  const sourced = (tag, item, attrs = {}) => el(tag, attrs, item.text, ...labelled(item.source));

  function option(o, name, checked) {
    const label = optionTemplate.cloneNode(true);
    const input = label.querySelector("input");
    input.name = name;
    input.value = o.id;
    input.checked = o.id === checked;
    label.querySelector("span").textContent = o.label;
    return label;
  }

  async function go(request, { push = true, focus = true, reveal = false } = {}) {
    const n = ++latest;
    let answer;
    try {
      answer = await engine.request({ ...request, state: request.state ?? current.state });
    } catch {
      return; // the fallback message is already on the page
    }
    if (n !== latest || !app.isConnected) return; // superseded by a later action, or the page is gone
    if (answer.archived) return showArchived(answer.archived); // a code of an earlier tree version: read-only
    if (!answer.view) {
      notice.hidden = false;
      notice.textContent = `O assistente não conseguiu responder: ${answer.error}`;
      return;
    }
    const view = answer.view;
    if (answer.error && request.op === "view" && (current.question || current.outcome)) {
      // A bad or stale link while the wizard shows a valid state: say so, keep the answers on screen.
      notice.hidden = false;
      notice.textContent = "Este endereço do assistente não pôde ser aplicado; as respostas atuais foram mantidas.";
      history.replaceState(history.state, "", `${location.pathname}${location.search}#${current.state}`);
      return;
    }
    notice.hidden = !(answer.error || answer.info); // info: which marks the action cleared
    notice.textContent = answer.error || answer.info || "";
    const url = `${location.pathname}${location.search}#${view.state}`;
    if (answer.error && request.op === "view") history.replaceState(history.state, "", url);
    else if (push && view.state !== hashState()) history.pushState(history.state, "", url);
    render(view, focus, reveal);
    if (answer.info) requestAnimationFrame(() => notice.scrollIntoView({ block: "nearest" })); // after render's scroll
  }

  function showArchived(a) {
    current = { state: a.state, history: [], question: null, outcome: null };
    notice.hidden = true;
    renderHistory([]);
    form.hidden = true;
    outcome.hidden = false;
    renderArchived(outcome, a, live, { restart: () => go({ op: "restart", state: "" }), open: (state) => go({ op: "view", state }) });
    live.textContent = `Resultado de uma versão anterior da árvore: ${a.outcome.mode_title}`;
    requestAnimationFrame(() => role("outcome-title", outcome).focus());
  }

  function render(view, focus, reveal) {
    current = view;
    renderHistory(view.history);
    form.hidden = !view.question;
    outcome.hidden = !view.outcome;
    if (view.question) renderQuestion(view.question, view.history.length > 0);
    // Hooks for a module beside the wizard (zendesk.js): what was just rendered, and where.
    if (view.question) app.dispatchEvent(new CustomEvent("dt-question", { detail: { question: view.question, form } }));
    if (view.outcome) {
      renderOutcome(view.outcome);
      app.dispatchEvent(new CustomEvent("dt-outcome", { detail: { outcome: view.outcome, section: outcome } }));
      live.textContent = `Resultado: ${view.outcome.mode_title}`;
    }
    if (focus || (reveal && view.outcome)) {
      // After the frame is laid out: focusing right after replaceChildren forces a synchronous layout.
      const target = view.outcome ? role("outcome-title", outcome) : role("legend", form);
      requestAnimationFrame(() => {
        target.focus({ preventScroll: true });
        target.scrollIntoView({ block: "start" });
      });
    }
  }

  function renderHistory(items) {
    role("history").hidden = items.length === 0;
    role("history-list").replaceChildren(
      ...items.map((item) => {
        const li = el(
          "li",
          { "data-step": item.step },
          el("span", { class: "dt-history-q", text: item.question }),
          " ",
          el("strong", { "data-role": "answer", text: item.answer }),
          " ",
          el("button", {
            type: "button",
            class: "dt-link-button",
            "aria-label": `Alterar a resposta da pergunta ${item.step + 1}`,
            text: "Alterar",
            onclick: () => li.replaceChildren(changeForm(item)),
          }),
        );
        return li;
      }),
    );
  }

  function changeForm(item) {
    const name = `change-${item.step}`;
    const f = el(
      "form",
      { class: "dt-change" },
      el(
        "fieldset",
        {},
        el("legend", { tabindex: "-1", text: `Alterar a pergunta ${item.step + 1}: ${item.question}` }),
        ...item.options.map((o) => option(o, name, item.answer_id)),
      ),
      el(
        "div",
        { class: "dt-actions" },
        el("button", { type: "submit", class: "md-button md-button--primary", text: "Confirmar" }),
        button("Cancelar", () => render(current, false, false)),
      ),
    );
    f.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = new FormData(f).get(name);
      if (value) go({ op: "change", step: item.question_id, option: value });
    });
    queueMicrotask(() => f.querySelector("legend").focus());
    return f;
  }

  function renderQuestion(q, canGoBack) {
    form.dataset.question = q.id;
    role("question-id", form).value = q.id;
    role("question-text", form).textContent = q.text;
    form.querySelector(".dt-number").textContent = `Pergunta ${q.number}`;
    const help = role("help", form);
    help.replaceChildren(q.help || "", ...(q.help ? labelled(q.help_source) : []));
    help.hidden = !q.help;
    role("options", form).replaceChildren(...q.options.map((o) => option(o, "resposta", q.selected)));
    form.querySelector('[data-action="back"]').disabled = !canGoBack;
  }

  // After a colon the site's own text goes on in lower case ("Atenção: a diretriz…"), unless its first word is a name or an acronym.
  const lowerFirst = (t) => {
    const first = t.split(" ")[0];
    return first.slice(1) === first.slice(1).toLowerCase() ? t.charAt(0).toLowerCase() + t.slice(1) : t;
  };
  // A label in bold, then its text: "Quando usar: na Consultoria…". A label that already holds a colon ends with a period.
  const lead = (tag, title, item, attrs = {}) =>
    el(tag, attrs, el("strong", { text: title.includes(":") ? `${title}. ` : `${title}: ` }),
      title.includes(":") ? item.text : lowerFirst(item.text), ...labelled(item.source));

  function macro(m, waitingFor) {
    // Before the marks it waits for, the engine sends no body (m.html is null): the Termo is named, not shown.
    let text;
    if (m.ready) {
      // html is Markdown rendered and sanitized at build time (build/macro_text.py).
      const body = el("div", { class: "dt-macro-body" });
      body.innerHTML = m.html;
      text = el("details", { class: "dt-macro-text" }, el("summary", { text: "Ver o texto da macro" }), body);
    } else {
      text = el("p", { class: "dt-hint", "data-role": "macro-waiting", text: `O texto desta macro aparece depois de: ${waitingFor}.` });
    }
    const status = m.official
      ? el("p", { class: "dt-hint", text: "Texto oficial, importado do Zendesk." })
      : el(
          "p",
          { class: "dt-hint" },
          "Texto proposto, não o oficial do Zendesk: a diretriz traz só o título. No ticket, aplique a macro oficial pelo título.",
          ...labelled(m.source),
        );
    const copy = button(m.official ? "Copiar texto da macro" : "Copiar texto proposto", (e) => copyText(m.plain, e.currentTarget, live, m.html), {
      "data-action": "copy-macro",
      disabled: !m.ready,
    });
    return el(
      "article",
      { class: "dt-macro", "data-macro": m.id },
      el("h4", { text: m.title }),
      lead("p", "Quando usar", m.when, { class: "dt-hint" }),
      status,
      text,
      el(
        "div",
        { class: "dt-actions" },
        copy,
        m.ready && el("a", { href: siteURL(m.url), text: "Ver na página da macro" }),
      ),
    );
  }

  function step(s, waitingFor) {
    const title = s.title ? [el("strong", { text: s.title }), " — "] : [];
    const li = el("li", { "data-step": s.id }, el("p", {}, ...title, s.text.text, ...labelled(s.text.source)));
    if (s.order) li.append(sourced("p", s.order, { class: "dt-hint", "data-role": "step-order" }));
    if (s.mark) {
      const box = el("input", {
        type: "checkbox",
        checked: s.done,
        disabled: !s.enabled,
        onchange: (e) => go({ op: "mark", step: s.id, done: e.currentTarget.checked }),
      });
      li.append(el("label", { class: "dt-mark" }, box, " ", s.mark));
      if (!s.enabled) li.append(el("p", { class: "dt-hint", text: `Disponível depois de: ${waitingFor}.` }));
    }
    for (const m of s.macros) li.append(macro(m, waitingFor));
    return li;
  }

  function renderOutcome(r) {
    const b = r.billing;
    const calc = new URLSearchParams({ mode: r.mode, ...(r.audience ? { audience: r.audience.id } : {}) });
    const list = (name, items, item) => el("ul", { "data-role": name }, items.map(item));
    // What a step waits for (the engine lists the marks before it not set yet): "marcar “A” e “B”".
    const waitingFor = (s) => {
      const open = s.waits_for.map((mark) => `“${mark}”`);
      return open.length ? `marcar ${open.length > 1 ? `${open.slice(0, -1).join(", ")} e ${open.at(-1)}` : open[0]}` : "";
    };
    const parts = [
      el(
        "h2",
        { id: "dt-outcome-title", tabindex: "-1", "data-role": "outcome-title" },
        "Resultado: ",
        el("a", { href: siteURL(r.mode_url), "data-role": "mode", text: r.mode_title }),
      ),
      sourced("p", r.summary, { class: "dt-summary", "data-role": "summary" }),
      r.audience && el("p", {}, "Solicitante: ", el("strong", { "data-role": "audience", text: r.audience.title })),
      r.pending_check &&
        el(
          "div",
          { class: "dt-pending", "data-role": "pending" },
          el("p", {}, el("strong", { text: `Verificação pendente: ${r.pending_check.title}. ` }), r.pending_check.pending),
          lead("p", "O que fazer", r.pending_check.next_step),
          r.pending_check.gap && lead("p", "Atenção", r.pending_check.gap, { class: "dt-hint" }),
        ),
      r.finding &&
        el(
          "div",
          { class: "dt-pending", "data-role": "finding" },
          lead("p", `Verificação feita: ${r.finding.title}`, r.finding),
        ),
      r.criteria.length > 0 &&
        section(
          r.criteria.length > 1 ? "Critérios da diretriz" : "Critério da diretriz",
          list("criteria", r.criteria, (c) =>
            el(
              "li",
              {},
              el("a", { href: siteURL(c.url), text: c.title }),
              el("span", { class: "dt-hint", text: ` (${c.section})` }),
              el("br"),
              el("span", { text: c.text }),
            ),
          ),
        ),
      r.steps.length > 0 && section("O que fazer agora, em ordem", el("ol", { class: "dt-steps", "data-role": "steps" }, r.steps.map((s) => step(s, waitingFor(s))))),
      r.next_steps.length > 0 && section("Próximos passos", list("next-steps", r.next_steps, (s) => sourced("li", s))),
      section(
        "Tarifação",
        list("billing", b.rules, (rule) => sourced("li", rule)),
        r.payer &&
          el(
            "p",
            {},
            "Quem paga: ",
            el("strong", { "data-role": "payer", text: r.payer.title }),
            ...labelled(r.payer.rule.source),
          ),
        b.calculator && el("p", {}, el("a", { href: `${siteURL(b.calculator)}#${calc}`, "data-role": "calculator", text: "Estimar o custo na calculadora" })),
      ),
      section(
        "Nota para o ticket",
        el("pre", { class: "dt-note", "data-role": "ticket-note", text: r.ticket_note }),
        el(
          "div",
          { class: "dt-actions" },
          button("Copiar nota para o ticket", (e) => copyText(r.ticket_note, e.currentTarget, live), {
            class: "md-button md-button--primary",
            "data-action": "copy-note",
          }),
          button("Voltar", () => go({ op: "back" }), { "data-action": "back" }),
          button("Recomeçar", () => go({ op: "restart" }), { "data-action": "restart" }),
        ),
      ),
    ];
    outcome.replaceChildren(...parts.filter(Boolean));
  }

  form.addEventListener("submit", (event) => {
    if (engine.state === "failed") return; // let the form lead to the static decision table
    event.preventDefault();
    const value = new FormData(form).get("resposta");
    if (!value) return;
    engine.waiting("Resposta guardada: ela será aplicada assim que o assistente terminar de carregar…");
    go({ op: "answer", option: value });
  });
  form.querySelector('[data-action="back"]').addEventListener("click", () => go({ op: "back" }));
  form.querySelector('[data-action="restart"]').addEventListener("click", () => go({ op: "restart" }));
  app.addEventListener("dt-failed", () => {
    form.hidden = false; // never blank: the static first question leads to the decision table
    outcome.hidden = true;
  });

  active = {
    app,
    onHash() {
      const state = hashState();
      if (state !== current.state) go({ op: "view", state, previous: current.state }, { push: false });
    },
  };
  if (hashState()) {
    form.hidden = engine.state !== "failed"; // the static first question may not be where the link points
    go({ op: "view", state: hashState() }, { push: false, focus: false, reveal: true });
  }
}

mountEach("wizard", mountWizard);
