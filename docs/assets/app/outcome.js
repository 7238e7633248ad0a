// The wizard's outcome panel: the mode, why, what to do in order (with the marks
// and the macros), billing and the ticket note, as the engine returns them.
// A new answer of the engine updates only what changed: every part (and every
// step of "O que fazer agora") keeps its element while its data is the same, so
// ticking a step rewrites that step and what depends on it, and leaves the rest
// (an open macro text, the focus) as it was. The texts are the page's
// (`w.t`, from the template the page carries: templates/_wizard_app.j2).
import { copyText, el, siteURL } from "./client.js";

const KEY = Symbol("key");
const DATA = Symbol("data");

/**
 * Make `container`'s children the `parts` ({key, data, build}) in order: an element whose key and data
 * (compared as JSON) are those of a part is kept, any other built anew (`build(previous)` gets the element of
 * that key it replaces); children that are no part are removed.
 */
export function patch(container, parts) {
  const old = new Map([...container.children].filter((n) => n[KEY] !== undefined).map((n) => [n[KEY], n]));
  const nodes = parts.map(({ key, data, build }) => {
    const json = JSON.stringify(data);
    const kept = old.get(key);
    if (kept && kept[DATA] === json) return kept;
    const node = build(kept); // the element it replaces, if any
    node[KEY] = key;
    node[DATA] = json;
    return node;
  });
  nodes.forEach((node, i) => {
    if (container.children[i] !== node) container.insertBefore(node, container.children[i] ?? null);
  });
  while (container.children.length > nodes.length) container.lastElementChild.remove();
}

/** Build the element of a kept part again at its next patch (its content was changed by hand). */
export function stale(node) {
  node[DATA] = undefined;
}

function section(title, ...children) {
  return el("section", { class: "dt-block" }, el("h3", { text: title }), ...children);
}

export function button(text, onclick, attrs = {}) {
  return el("button", { type: "button", class: "md-button", text, onclick, ...attrs });
}

// After a colon the site's own text goes on in lower case ("Atenção: a diretriz…"), unless its first word is a name or an acronym.
const lowerFirst = (t) => {
  const first = t.split(" ")[0];
  return first.slice(1) === first.slice(1).toLowerCase() ? t.charAt(0).toLowerCase() + t.slice(1) : t;
};

// A label in bold, then its text: "Quando usar: na Consultoria…". A label that already holds a colon ends with a period.
const lead = (w, tag, title, item, attrs = {}) =>
  el(tag, attrs, el("strong", { text: title.includes(":") ? `${title}. ` : `${title}: ` }),
    title.includes(":") ? item.text : lowerFirst(item.text), ...w.labelled(item.source));

// What a step waits for (the engine lists the marks before it not set yet): "marcar “A” e “B”".
function waitingFor(w, s) {
  const open = s.waits_for.map((mark) => `“${mark}”`);
  if (!open.length) return "";
  return w.t("mark-these", { marks: new Intl.ListFormat("pt-BR").format(open) });
}

function macroText(w, m, waiting, open) {
  // Before the marks it waits for, the engine sends no body (m.html is null): the Termo is named, not shown.
  if (!m.ready) return el("p", { class: "dt-hint", "data-role": "macro-waiting", text: w.t("macro-waiting", { what: waiting }) });
  const body = el("div", { class: "dt-macro-body" });
  body.innerHTML = m.html; // Markdown rendered and sanitized at build time (sources/macro_text.py)
  return el("details", { class: "dt-macro-text", open }, el("summary", { text: w.t("macro-show") }), body);
}

// previous: the element of the step this one replaces; a macro text the user opened there stays open.
function macro(w, m, waiting, previous) {
  const open = Boolean(previous?.querySelector(`[data-macro="${CSS.escape(m.id)}"] details`)?.open);
  const status = m.official
    ? el("p", { class: "dt-hint", text: w.t("macro-official") })
    : el("p", { class: "dt-hint" }, w.t("macro-proposed"), ...w.labelled(m.source));
  const copy = button(w.t(m.official ? "macro-copy-official" : "macro-copy-proposed"), (e) => copyText(m.plain, e.currentTarget, w.live, m.html), {
    "data-action": "copy-macro",
    disabled: !m.ready,
  });
  return el(
    "article",
    { class: "dt-macro", "data-macro": m.id },
    el("h4", { text: m.title }),
    lead(w, "p", w.t("macro-when"), m.when, { class: "dt-hint" }),
    status,
    macroText(w, m, waiting, open),
    el("div", { class: "dt-actions" }, copy, m.ready && el("a", { href: siteURL(m.url), text: w.t("macro-page") })),
  );
}

function step(w, s, waiting, previous) {
  const title = s.title ? [el("strong", { text: s.title }), " — "] : [];
  const li = el("li", { "data-step": s.id }, el("p", {}, ...title, s.text.text, ...w.labelled(s.text.source)));
  if (s.order) li.append(w.sourced("p", s.order, { class: "dt-hint", "data-role": "step-order" }));
  if (s.mark) {
    const box = el("input", {
      type: "checkbox",
      checked: s.done,
      disabled: !s.enabled,
      // The view stays where the analyst is: focus goes back to this box (rebuilt when its step changed).
      onchange: (e) => w.go({ op: "mark", step: s.id, done: e.currentTarget.checked }, { focus: false, keep: `[data-step="${CSS.escape(s.id)}"] .dt-mark input` }),
    });
    li.append(el("label", { class: "dt-mark" }, box, " ", s.mark));
    if (!s.enabled) li.append(el("p", { class: "dt-hint", text: w.t("step-waiting", { what: waiting }) }));
  }
  for (const m of s.macros) li.append(macro(w, m, waiting, previous));
  return li;
}

function checks(w, r) {
  return [
    r.audience && el("p", {}, w.t("audience"), el("strong", { "data-role": "audience", text: r.audience.title })),
    r.pending_check &&
      el(
        "div",
        { class: "dt-pending", "data-role": "pending" },
        el("p", {}, el("strong", { text: w.t("check-pending", { title: r.pending_check.title }) }), r.pending_check.pending),
        lead(w, "p", w.t("check-next"), r.pending_check.next_step),
        r.pending_check.gap && lead(w, "p", w.t("check-gap"), r.pending_check.gap, { class: "dt-hint" }),
      ),
    r.finding && el("div", { class: "dt-pending", "data-role": "finding" }, lead(w, "p", w.t("check-done", { title: r.finding.title }), r.finding)),
  ].filter(Boolean);
}

function criteria(w, r) {
  const item = (c) =>
    el("li", {}, el("a", { href: siteURL(c.url), text: c.title }), el("span", { class: "dt-hint", text: ` (${c.section})` }), el("br"), el("span", { text: c.text }));
  return section(w.t(r.criteria.length > 1 ? "criteria-many" : "criteria-one"), el("ul", { "data-role": "criteria" }, r.criteria.map(item)));
}

function billing(w, r) {
  const b = r.billing;
  const calc = new URLSearchParams({ mode: r.mode, ...(r.audience ? { audience: r.audience.id } : {}) });
  return section(
    w.t("billing"),
    el("ul", { "data-role": "billing" }, b.rules.map((rule) => w.sourced("li", rule))),
    r.payer && el("p", {}, w.t("payer"), el("strong", { "data-role": "payer", text: r.payer.title }), ...w.labelled(r.payer.rule.source)),
    b.calculator && el("p", {}, el("a", { href: `${siteURL(b.calculator)}#${calc}`, "data-role": "calculator", text: w.t("calculator") })),
  );
}

function note(w, r) {
  return section(
    w.t("note"),
    el("pre", { class: "dt-note", "data-role": "ticket-note", text: r.ticket_note }),
    el(
      "div",
      { class: "dt-actions" },
      button(w.t("note-copy"), (e) => copyText(r.ticket_note, e.currentTarget, w.live), { class: "md-button md-button--primary", "data-action": "copy-note" }),
      button(w.t("back"), () => w.go({ op: "back" }), { "data-action": "back" }),
      button(w.t("restart"), () => w.go({ op: "restart" }), { "data-action": "restart" }),
    ),
  );
}

/** The steps in order: a section built once per list of steps, each step patched on its own. */
function steps(w, r) {
  const items = r.steps.map((s) => ({ key: s.id, data: s, build: (previous) => step(w, s, waitingFor(w, s), previous) }));
  return {
    key: "steps",
    data: r.steps.map((s) => s.id),
    build: () => section(w.t("steps"), el("ol", { class: "dt-steps", "data-role": "steps" })),
    items,
  };
}

/** Render the outcome `r` in `w.outcome`, changing only the parts whose data changed. */
export function renderOutcome(w, r) {
  const title = () =>
    el("h2", { id: "dt-outcome-title", tabindex: "-1", "data-role": "outcome-title" }, w.t("outcome"), el("a", { href: siteURL(r.mode_url), "data-role": "mode", text: r.mode_title }));
  const parts = [
    { key: "title", data: [r.mode, r.mode_title], build: title },
    { key: "summary", data: r.summary, build: () => w.sourced("p", r.summary, { class: "dt-summary", "data-role": "summary" }) },
    ...checks(w, r).map((node, i) => ({ key: `check-${i}`, data: [r.audience, r.pending_check, r.finding, i], build: () => node })),
    r.criteria.length > 0 && { key: "criteria", data: r.criteria, build: () => criteria(w, r) },
    r.steps.length > 0 && steps(w, r),
    r.next_steps.length > 0 && { key: "next", data: r.next_steps, build: () => section(w.t("next-steps"), el("ul", { "data-role": "next-steps" }, r.next_steps.map((s) => w.sourced("li", s)))) },
    { key: "billing", data: [r.mode, r.audience, r.billing, r.payer], build: () => billing(w, r) },
    { key: "note", data: r.ticket_note, build: () => note(w, r) },
  ].filter(Boolean);
  patch(w.outcome, parts);
  const list = parts.find((p) => p.items);
  if (list) patch(w.outcome.querySelector('[data-role="steps"]'), list.items);
}
