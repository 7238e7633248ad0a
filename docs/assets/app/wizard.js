// The escalation wizard's view: posts answers to the engine and renders what
// Python returns. The whole state is the URL hash (#<fingerprint>-<answers>),
// one browser history entry per step.
import { copyText, el, mountEach, siteURL, startEngine } from "./client.js";

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

function radios(options, name, checkedId) {
  return options.map((o) =>
    el(
      "label",
      { class: "dt-option" },
      el("input", { type: "radio", name, value: o.id, required: true, checked: o.id === checkedId }),
      " ",
      el("span", { text: o.label }),
    ),
  );
}

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
  const engine = startEngine(app, "assistente");
  let current = { state: app.dataset.start, history: [] };
  let latest = 0;

  async function go(request, { push = true, focus = true } = {}) {
    const n = ++latest;
    let view;
    try {
      view = await engine.request({ ...request, state: request.state ?? current.state });
    } catch {
      return; // the fallback message is already on the page
    }
    if (n !== latest || !app.isConnected) return; // superseded by a later action, or the page is gone
    if (!view.history) {
      // Not a view: the engine failed on this request. Nothing on the page changes.
      notice.hidden = false;
      notice.textContent = `O assistente não conseguiu responder: ${view.error}`;
      return;
    }
    if (view.error && request.op === "view" && (current.question || current.outcome)) {
      // A bad or stale link while the wizard shows a valid state: say why, keep the answers.
      notice.hidden = false;
      notice.textContent = `Endereço não aplicado; as respostas atuais foram mantidas. ${view.error}`;
      history.replaceState(history.state, "", `${location.pathname}${location.search}#${current.state}`);
      return;
    }
    notice.hidden = !view.error;
    notice.textContent = view.error || "";
    const url = `${location.pathname}${location.search}#${view.state}`;
    if (view.error) history.replaceState(history.state, "", url);
    else if (push && view.state !== hashState()) history.pushState(history.state, "", url);
    render(view, focus);
  }

  function render(view, focus) {
    current = view;
    renderHistory(view.history);
    form.hidden = !view.question;
    outcome.hidden = !view.outcome;
    if (view.question) renderQuestion(view.question, view.history.length > 0);
    if (view.outcome) {
      renderOutcome(view.outcome);
      live.textContent = `Resultado: ${view.outcome.mode_title}`;
    }
    if (focus) {
      // Focus after the frame is laid out: focusing right after replaceChildren forces a synchronous layout.
      const target = view.outcome ? role("outcome-title", outcome) : role("legend", form);
      requestAnimationFrame(() => target.focus());
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
        ...radios(item.options, name, item.answer_id),
      ),
      el(
        "div",
        { class: "dt-actions" },
        el("button", { type: "submit", class: "md-button md-button--primary", text: "Confirmar" }),
        button("Cancelar", () => render(current, false)),
      ),
    );
    f.addEventListener("submit", (event) => {
      event.preventDefault();
      const option = new FormData(f).get(name);
      if (option) go({ op: "change", step: item.step, option });
    });
    queueMicrotask(() => f.querySelector("legend").focus());
    return f;
  }

  function renderQuestion(q, canGoBack) {
    const legend = role("legend", form);
    form.dataset.question = q.id;
    legend.replaceChildren(
      el("span", { class: "dt-number", text: `Pergunta ${q.number}` }),
      " ",
      el("span", { "data-role": "question-text", text: q.text }),
    );
    role("check", form)?.remove();
    if (q.check) legend.after(el("p", { class: "dt-check", "data-role": "check", text: `Verificação: ${q.check}` }));
    role("options", form).replaceChildren(...radios(q.options, "option"));
    form.querySelector('[data-action="back"]').disabled = !canGoBack;
  }

  function macro(m) {
    // body_html is Markdown rendered and sanitized at build time (markup.render_markdown).
    const body = el("div", { class: "dt-macro-body" });
    body.innerHTML = m.body_html;
    return el(
      "article",
      { class: "dt-macro", "data-macro": m.id },
      el("h4", { text: m.title }),
      el("p", { class: "dt-hint", text: `Quando usar: ${m.when}` }),
      body,
      el(
        "div",
        { class: "dt-actions" },
        button("Copiar texto da macro", (e) => copyText(m.body, e.currentTarget, live)),
        el("a", { href: siteURL(m.url), text: "Ver na página de macros" }),
      ),
    );
  }

  function renderOutcome(r) {
    const b = r.billing;
    const calc = new URLSearchParams({ mode: r.mode, ...(r.audience ? { audience: r.audience.id } : {}) });
    const list = (name, items, item) => el("ul", { "data-role": name }, items.map(item));
    const parts = [
      el(
        "h2",
        { id: "dt-outcome-title", tabindex: "-1", "data-role": "outcome-title" },
        "Resultado: ",
        el("a", { href: siteURL(r.mode_url), "data-role": "mode", text: r.mode_title }),
      ),
      el("p", { class: "dt-summary", text: r.summary }),
      r.audience && el("p", {}, "Solicitante: ", el("strong", { "data-role": "audience", text: r.audience.title })),
      r.pending_check &&
        el(
          "p",
          { class: "dt-pending" },
          el("strong", { text: `Verificação pendente: ${r.pending_check.title}. ` }),
          r.pending_check.text,
        ),
      r.criteria.length > 0 &&
        section(
          "Critérios da diretriz que levaram a este resultado",
          list("criteria", r.criteria, (c) =>
            el("li", {}, el("a", { href: siteURL(c.url), text: c.text }), el("span", { class: "dt-hint", text: ` (${c.section})` })),
          ),
        ),
      r.prerequisites.length > 0 &&
        section(
          "Pré-requisitos",
          list("prerequisites", r.prerequisites, (p) =>
            el("li", {}, el("label", {}, el("input", { type: "checkbox" }), " ", el("strong", { text: p.title }), ` — ${p.text}`)),
          ),
        ),
      r.macros.length > 0 && section(r.macros.length > 1 ? "Macros da modalidade" : "Macro a aplicar", ...r.macros.map(macro)),
      section(
        "Tarifação",
        list("billing", b.rules, (rule) => el("li", { text: rule })),
        r.payer_title && el("p", {}, "Responsável pelo pagamento: ", el("strong", { "data-role": "payer", text: r.payer_title })),
        b.billed &&
          el("p", {}, el("a", { href: `${siteURL("calculadora/")}#${calc}`, "data-role": "calculator", text: "Estimar o custo na calculadora" })),
      ),
      r.next_steps.length > 0 && section("Próximos passos", list("next-steps", r.next_steps, (s) => el("li", { text: s }))),
      section(
        "Resumo para o ticket",
        el("pre", { class: "dt-note", "data-role": "ticket-note", text: r.ticket_note }),
        el(
          "div",
          { class: "dt-actions" },
          button("Copiar resumo para o ticket", (e) => copyText(r.ticket_note, e.currentTarget, live), {
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
    const option = new FormData(form).get("option");
    if (!option) return;
    engine.waiting("Resposta guardada: ela será aplicada assim que o assistente terminar de carregar…");
    go({ op: "answer", option });
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
      if (state !== current.state) go({ op: "view", state }, { push: false });
    },
  };
  if (hashState()) {
    form.hidden = engine.state !== "failed"; // the static first question may not be where the link points
    go({ op: "view", state: hashState() }, { push: false, focus: false });
  }
}

mountEach("wizard", mountWizard);
