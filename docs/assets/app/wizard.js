// The escalation wizard's view: posts answers and marks to the engine and renders
// what Python returns. The whole state is the URL hash
// (#<fingerprint>-<answers>[.<marks>]), one browser history entry per step.
// An answer's markup is cloned from the page's <template> (built with the first
// question), so the question is never written twice; the page's texts come from
// its <template data-role="texts"> (templates/_wizard_app.j2); the outcome panel
// is outcome.js.
import { renderArchived } from "./archived.js";
import { badge, el, mountEach, startEngine } from "./client.js";
import { button, patch, renderOutcome, stale } from "./outcome.js";

// The hash as typed: a malformed %-escape is left for Python to reject with a message.
const hashState = () => {
  const raw = location.hash.slice(1);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};

/** The page's texts by key; `t(key, {name: value})` fills their `{name}`s. */
function texts(app) {
  const template = app.querySelector('[data-role="texts"]').content;
  const byKey = new Map([...template.querySelectorAll("[data-key]")].map((n) => [n.dataset.key, n.textContent]));
  return (key, values = {}) => byKey.get(key).replace(/\{(\w+)\}/g, (_, name) => values[name]);
}

function say(w, text) {
  w.notice.hidden = !text;
  w.notice.textContent = text || "";
}

async function go(w, request, { push = true, focus = true, reveal = false, keep = null } = {}) {
  const n = ++w.latest;
  let answer;
  try {
    answer = await w.engine.request({ ...request, state: request.state ?? w.current.state });
  } catch {
    return; // the fallback message is already on the page
  }
  if (n !== w.latest) return; // superseded by a later action
  if (answer.archived) return showArchived(w, answer.archived); // a code of an earlier tree version: read-only
  if (!answer.view) return say(w, w.t("no-answer", { error: answer.error }));
  const view = answer.view;
  if (answer.error && request.op === "view" && (w.current.question || w.current.outcome)) {
    // A bad or stale link while the wizard shows a valid state: say so, keep the answers on screen.
    say(w, w.t("link-kept"));
    history.replaceState(history.state, "", `${location.pathname}${location.search}#${w.current.state}`);
    return;
  }
  say(w, answer.error || answer.info); // info: which marks the action cleared
  const url = `${location.pathname}${location.search}#${view.state}`;
  if (answer.error && request.op === "view") history.replaceState(history.state, "", url);
  else if (push && view.state !== hashState()) history.pushState(history.state, "", url);
  render(w, view, focus, reveal);
  if (keep) w.outcome.querySelector(keep)?.focus({ preventScroll: true }); // `keep`: the control acted on, again
  if (answer.info) requestAnimationFrame(() => w.notice.scrollIntoView({ block: "nearest" })); // after render's scroll
}

function showArchived(w, a) {
  w.current = { state: a.state, history: [], question: null, outcome: null };
  w.notice.hidden = true;
  renderHistory(w, []);
  w.form.hidden = true;
  w.outcome.hidden = false;
  renderArchived(w.outcome, a, w.live, { restart: () => w.go({ op: "restart", state: "" }), open: (state) => w.go({ op: "view", state }) });
  w.live.textContent = w.t("archived-live", { mode: a.outcome.mode_title });
  requestAnimationFrame(() => w.role("outcome-title", w.outcome).focus());
}

function render(w, view, focus, reveal) {
  w.current = view;
  renderHistory(w, view.history);
  w.form.hidden = !view.question;
  w.outcome.hidden = !view.outcome;
  // Hooks for a module beside the wizard (zendesk.js): what was just rendered, and where.
  if (view.question) {
    renderQuestion(w, view.question, view.history.length > 0);
    w.app.dispatchEvent(new CustomEvent("dt-question", { detail: { question: view.question, form: w.form } }));
  }
  if (view.outcome) {
    renderOutcome(w, view.outcome);
    w.app.dispatchEvent(new CustomEvent("dt-outcome", { detail: { outcome: view.outcome, section: w.outcome } }));
    w.live.textContent = w.t("outcome-live", { mode: view.outcome.mode_title });
  }
  if (focus || (reveal && view.outcome)) {
    // After the frame is laid out: focusing right after the DOM changed forces a synchronous layout.
    const target = view.outcome ? w.role("outcome-title", w.outcome) : w.role("legend", w.form);
    requestAnimationFrame(() => {
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "start" });
    });
  }
}

/** The answers so far: an answer that stays the same keeps its element (one more answer adds one). */
function renderHistory(w, items) {
  w.role("history").hidden = items.length === 0;
  const entry = (item) => {
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
        "aria-label": w.t("change-label", { n: item.step + 1 }),
        text: w.t("change"),
        onclick: () => {
          stale(li); // the next render shows the answer again
          li.replaceChildren(changeForm(w, item));
        },
      }),
    );
    return li;
  };
  patch(w.role("history-list"), items.map((item) => ({ key: item.question_id, data: item, build: () => entry(item) })));
}

function option(w, o, name, checked) {
  const label = w.optionTemplate.cloneNode(true);
  const input = label.querySelector("input");
  input.name = name;
  input.value = o.id;
  input.checked = o.id === checked;
  label.querySelector("span").textContent = o.label;
  return label;
}

function changeForm(w, item) {
  const name = `change-${item.step}`;
  const f = el(
    "form",
    { class: "dt-change" },
    el(
      "fieldset",
      {},
      el("legend", { tabindex: "-1", text: w.t("change-legend", { n: item.step + 1, question: item.question }) }),
      ...item.options.map((o) => option(w, o, name, item.answer_id)),
    ),
    el(
      "div",
      { class: "dt-actions" },
      el("button", { type: "submit", class: "md-button md-button--primary", text: w.t("confirm") }),
      button(w.t("cancel"), () => render(w, w.current, false, false)),
    ),
  );
  f.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = new FormData(f).get(name);
    if (value) w.go({ op: "change", step: item.question_id, option: value });
  });
  queueMicrotask(() => f.querySelector("legend").focus());
  return f;
}

function renderQuestion(w, q, canGoBack) {
  const form = w.form;
  form.dataset.question = q.id;
  w.role("question-id", form).value = q.id;
  w.role("question-text", form).textContent = q.text;
  form.querySelector(".dt-number").textContent = w.t("question", { n: q.number });
  const help = w.role("help", form);
  help.replaceChildren(q.help || "", ...(q.help ? w.labelled(q.help_source) : []));
  help.hidden = !q.help;
  w.role("options", form).replaceChildren(...q.options.map((o) => option(w, o, "resposta", q.selected)));
  form.querySelector('[data-action="back"]').disabled = !canGoBack;
}

/** The wizard's state and the helpers every part of its view uses. */
function wizardOf(app) {
  const role = (name, root = app) => root.querySelector(`[data-role="${name}"]`);
  const w = {
    app,
    role,
    form: role("question"),
    outcome: role("outcome"),
    live: role("live"),
    notice: role("notice"),
    optionTemplate: role("option-template").content.firstElementChild,
    t: texts(app),
    engine: startEngine(app, "assistente"),
    current: { state: app.dataset.start, history: [] },
    latest: 0,
    // A text with its "Não consta na diretriz" label when it is a local definition.
    labelled: (source) => {
      const b = badge(source, app);
      return b ? [" ", b] : [];
    },
  };
  w.sourced = (tag, item, attrs = {}) => el(tag, attrs, item.text, ...w.labelled(item.source));
  w.go = (request, options) => go(w, request, options);
  return w;
}

function mountWizard(app) {
  const w = wizardOf(app);
  w.form.addEventListener("submit", (event) => {
    if (w.engine.state === "failed") return; // let the form lead to the static decision table
    event.preventDefault();
    const value = new FormData(w.form).get("resposta");
    if (!value) return;
    if (w.engine.state !== "ready") w.engine.waiting(w.t("answer-kept")); // nothing to write when the engine answers at once
    w.go({ op: "answer", option: value });
  });
  w.form.querySelector('[data-action="back"]').addEventListener("click", () => w.go({ op: "back" }));
  w.form.querySelector('[data-action="restart"]').addEventListener("click", () => w.go({ op: "restart" }));
  app.addEventListener("dt-failed", () => {
    w.form.hidden = false; // never blank: the static first question leads to the decision table
    w.outcome.hidden = true;
  });
  window.addEventListener("hashchange", () => {
    const state = hashState();
    if (state !== w.current.state) w.go({ op: "view", state, previous: w.current.state }, { push: false });
  });
  if (hashState()) {
    w.form.hidden = w.engine.state !== "failed"; // the static first question may not be where the link points
    w.go({ op: "view", state: hashState() }, { push: false, focus: false, reveal: true });
  }
}

mountEach("wizard", mountWizard);
