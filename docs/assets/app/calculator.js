// The cost calculator's view: sends what the user typed to the engine and
// renders Python's quote. Inputs are parsed by Python (decimal comma
// accepted); numbers are shown with Intl.NumberFormat('pt-BR').
import { badge, copyText, el, mountEach, startEngine } from "./client.js";

// Created on first use: the first Intl.NumberFormat loads locale data (tens of ms),
// which should not block the page while it loads.
const formatter = (options) => {
  let f = null;
  return { format: (value) => (f ??= new Intl.NumberFormat("pt-BR", options)).format(value) };
};
const money = formatter({ style: "currency", currency: "BRL" });
const rateMoney = formatter({ style: "currency", currency: "BRL", maximumFractionDigits: 4 });
const number = formatter({ maximumFractionDigits: 4 });
const percent = formatter({ style: "percent", maximumFractionDigits: 4 });

/** The calculator's parts on the page, and what it keeps between edits. */
function calculatorOf(app) {
  const role = (name) => app.querySelector(`[data-role="${name}"]`);
  const form = role("form");
  return {
    app,
    role,
    form,
    body: role("quote-body"),
    note: role("quote-note"),
    notice: role("notice"),
    live: role("live"),
    copyButton: app.querySelector('[data-action="copy"]'),
    engine: startEngine(app, "cálculo"),
    field: (name) => form.elements.namedItem(name),
    taxInputs: [...form.querySelectorAll("[data-tax-name]")],
    latest: 0,
    lastText: "",
  };
}

const modeFlag = (c, name) => c.field("mode").selectedOptions[0]?.dataset[name] === "true";
const waivable = (c) => modeFlag(c, "waivable");

function showModeFields(c) {
  c.role("waiver").hidden = !waivable(c);
  c.role("taxes").hidden = !modeFlag(c, "taxes"); // the mode's price has no taxes on top
  // The dropdown shows a short name (it must fit a phone); the full name is below it.
  const chosen = c.field("audience").selectedOptions[0];
  const hint = c.role("audience-hint");
  hint.textContent = chosen?.dataset.title ?? "";
  hint.hidden = !chosen || chosen.dataset.title === chosen.textContent.trim();
}

function request(c) {
  const { field } = c;
  return {
    op: "quote",
    mode: field("mode").value,
    audience: field("audience").value,
    minutes: field("minutes").value,
    rate: field("rate").value,
    waived: waivable(c) && field("waived").checked,
    taxes: c.taxInputs.map((input) => ({ name: input.dataset.taxName, percent: input.value })),
  };
}

function writeHash(c) {
  const params = new URLSearchParams();
  for (const name of ["mode", "audience", "minutes", "rate"]) params.set(name, c.field(name).value);
  if (waivable(c) && c.field("waived").checked) params.set("waived", "1");
  c.taxInputs.forEach((input) => params.set(input.name, input.value));
  history.replaceState(history.state, "", `#${params}`);
}

// A field the link does not name takes its reference value (the page's default), as in a fresh tab:
// a link opened in a tab already on the calculator must give the estimate it gives anywhere else.
function resetFields(c, names) {
  for (const name of names) {
    const input = c.field(name);
    if (input.tagName === "SELECT") {
      const initial = [...input.options].find((o) => o.defaultSelected) ?? input.options[0];
      if (initial) input.value = initial.value;
    } else {
      input.value = input.defaultValue;
    }
  }
}

// Typed values from a link go to the fields as they are (Python explains a bad one beside
// its field). What a field cannot hold (a mode or audience that is not in the list) and
// names this calculator does not know are left out, and the notice says so.
function readHash(c) {
  const params = new URLSearchParams(location.hash.slice(1));
  const names = ["mode", "audience", "minutes", "rate", ...c.taxInputs.map((i) => i.name)];
  const problems = [];
  resetFields(c, names);
  for (const name of names.filter((n) => params.has(n))) {
    const input = c.field(name);
    const value = params.get(name);
    if (input.tagName === "SELECT" && ![...input.options].some((o) => o.value === value)) {
      const label = c.form.querySelector(`label[for="${input.id}"]`).textContent;
      problems.push(`${label}: “${value.slice(0, 40)}” não existe; mantido “${input.selectedOptions[0]?.textContent ?? ""}”.`);
    } else {
      input.value = value;
    }
  }
  c.field("waived").checked = params.get("waived") === "1";
  const unknown = [...new Set(params.keys())].filter((name) => name !== "waived" && !names.includes(name));
  if (unknown.length) {
    const what = unknown.length > 1 ? "Ignorados, por não fazerem" : "Ignorado, por não fazer";
    problems.push(`${what} parte desta calculadora: ${unknown.map((n) => `“${n.slice(0, 40)}”`).join(", ")}.`);
  }
  c.notice.hidden = problems.length === 0;
  c.notice.textContent = problems.length ? `Parte do endereço não foi aplicada. ${problems.join(" ")}` : "";
}

function showErrors(c, errors) {
  for (const span of c.form.querySelectorAll("[data-error-for]")) {
    const name = span.dataset.errorFor;
    const message = errors[name];
    span.textContent = message || "";
    span.hidden = !message;
    const input = c.field(name);
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
}

// A row of the estimate; `source` labels a value the guideline does not give ("Não consta na diretriz").
function row(c, label, value, attrs = {}, source = null) {
  const b = badge(source, c.app);
  if (!b) return [el("dt", { text: label }), el("dd", { ...attrs, text: value })];
  const { class: cls, ...rest } = attrs;
  return [el("dt", { text: label }), el("dd", { class: cls }, el("span", { ...rest, text: value }), " ", b)];
}

const optionText = (c, name, value) => c.field(name).querySelector(`option[value="${CSS.escape(value)}"]`);

/** The estimate's rows, as pairs of dt/dd. */
function breakdown(c, q) {
  const r = (...args) => row(c, ...args);
  const payer = q.waived ? "Ninguém (custo abonado)" : q.payer_title ?? "Ninguém (atendimento sem custo)";
  return [
    r("Modalidade", optionText(c, "mode", q.mode).textContent),
    r("Quem solicita", optionText(c, "audience", q.audience).dataset.title),
    r("Minutos trabalhados", number.format(q.minutes_worked), { "data-role": "minutes-worked" }),
    r("Minutos cobrados", number.format(q.minutes_billed), { "data-role": "minutes-billed" }),
    r("Valor por minuto", rateMoney.format(q.rate_per_minute), { "data-role": "rate" }, q.rate_source),
    r("Subtotal", money.format(q.subtotal), { "data-role": "subtotal" }),
    ...q.taxes.map((t) => r(`${t.name} (${percent.format(t.rate)})`, money.format(t.amount), { "data-tax": t.name }, q.taxes_source)),
    q.waived && r("Valor abonado", money.format(q.waived_amount), { "data-role": "waived-amount" }),
    r("Total", money.format(q.total), { "data-role": "total", class: "dt-total" }),
    r("Quem paga", payer, { "data-role": "payer" }, q.payer_source),
    r("O cliente paga", money.format(q.client_pays), { "data-role": "client-pays", class: "dt-total" }),
  ].filter(Boolean);
}

// The copied estimate says what the page says: a value with a label is followed by "(não consta na diretriz)".
function copiedText(c, q) {
  // The copied text's label, from the page's label template (the client site words it for clients).
  const localLabel = c.app.querySelector('[data-role="badge-template"]').dataset.text;
  const lines = [...c.body.querySelectorAll("dt")].map((dt) => {
    const dd = dt.nextElementSibling;
    const value = dd.querySelector(".kb-local") ? dd.firstElementChild.textContent : dd.textContent;
    return `${dt.textContent}: ${value}${dd.querySelector(".kb-local") ? ` (${localLabel})` : ""}`;
  });
  const local = (r) => (r.source.kind === "local" ? ` (${localLabel})` : "");
  return [
    "Estimativa de custo (valores de referência; o valor efetivo é o do Termo de Aceite)",
    ...lines,
    "Regras aplicadas:",
    ...q.rules.map((r) => `- ${r.text}${local(r)}`),
    `Simulação: ${location.href}`,
  ].join("\n");
}

function render(c, q) {
  c.body.replaceChildren(
    el("dl", { class: "dt-breakdown" }, breakdown(c, q).flat()),
    el("h3", { text: "Regras aplicadas" }),
    el("ul", { "data-role": "rules" }, q.rules.map((r) => {
      const b = badge(r.source, c.app);
      return el("li", { "data-rule": r.id }, r.text, b ? " " : null, b);
    })),
  );
  c.lastText = copiedText(c, q);
  c.copyButton.disabled = false;
  c.live.textContent = `Total ${money.format(q.total)}; o cliente paga ${money.format(q.client_pays)}.`;
}

async function compute(c) {
  const n = ++c.latest;
  let res;
  try {
    res = await c.engine.request(request(c));
  } catch {
    return;
  }
  if (n !== c.latest) return;
  showErrors(c, res.ok ? {} : res.errors || {});
  c.body.classList.toggle("dt-stale", !res.ok);
  c.copyButton.disabled = !res.ok; // never copy an estimate that is not what the fields say
  if (res.ok) {
    c.note.textContent = "";
    return render(c, res.quote);
  }
  // An earlier "Copiado!" would claim the shown (stale) estimate is the one copied.
  if (c.copyButton.dataset.label) c.copyButton.textContent = c.copyButton.dataset.label;
  c.live.textContent = "";
  c.note.textContent = c.body.childElementCount
    ? "Corrija os campos indicados; a estimativa abaixo é a do último cálculo válido."
    : "Corrija os campos indicados para ver a estimativa.";
}

function mountCalculator(app) {
  const c = calculatorOf(app);
  const update = () => {
    // The request first (it reads only the fields): the engine computes while the page writes the rest.
    compute(c); // the engine answers in a few ms; `latest` drops any answer overtaken by a newer edit
    c.notice.hidden = true; // what the link could not apply is past once the user edits
    showModeFields(c);
    writeHash(c); // before the answer arrives: the copied estimate ends with this address
  };
  c.form.addEventListener("input", update);
  c.form.addEventListener("change", update);
  c.form.addEventListener("submit", (event) => event.preventDefault());
  c.copyButton.addEventListener("click", () => copyText(c.lastText, c.copyButton, c.live));
  window.addEventListener("hashchange", () => {
    readHash(c);
    showModeFields(c);
    compute(c);
  });

  if (location.hash.length > 1) readHash(c);
  showModeFields(c);
  c.note.textContent = "A estimativa aparece assim que o cálculo terminar de carregar.";
  c.engine.ready.then(() => (c.note.textContent = ""), () => (c.note.textContent = ""));
  compute(c);
}

mountEach("calculator", mountCalculator);
