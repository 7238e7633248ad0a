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

function mountCalculator(app) {
  const role = (name) => app.querySelector(`[data-role="${name}"]`);
  const form = role("form");
  const body = role("quote-body");
  const note = role("quote-note");
  const notice = role("notice");
  const live = role("live");
  const copyButton = app.querySelector('[data-action="copy"]');
  const engine = startEngine(app, "cálculo");

  const field = (name) => form.elements.namedItem(name);
  const taxInputs = [...form.querySelectorAll("[data-tax-name]")];
  let latest = 0;
  let lastText = "";

  const modeFlag = (name) => field("mode").selectedOptions[0]?.dataset[name] === "true";
  const waivable = () => modeFlag("waivable");

  function showModeFields() {
    role("waiver").hidden = !waivable();
    role("taxes").hidden = !modeFlag("taxes"); // the mode's price has no taxes on top
    // The dropdown shows a short name (it must fit a phone); the full name is below it.
    const chosen = field("audience").selectedOptions[0];
    const hint = role("audience-hint");
    hint.textContent = chosen?.dataset.title ?? "";
    hint.hidden = !chosen || chosen.dataset.title === chosen.textContent.trim();
  }

  function request() {
    return {
      op: "quote",
      mode: field("mode").value,
      audience: field("audience").value,
      minutes: field("minutes").value,
      rate: field("rate").value,
      waived: waivable() && field("waived").checked,
      taxes: taxInputs.map((input) => ({ name: input.dataset.taxName, percent: input.value })),
    };
  }

  function writeHash() {
    const params = new URLSearchParams();
    for (const name of ["mode", "audience", "minutes", "rate"]) params.set(name, field(name).value);
    if (waivable() && field("waived").checked) params.set("waived", "1");
    taxInputs.forEach((input) => params.set(input.name, input.value));
    history.replaceState(history.state, "", `#${params}`);
  }

  // Typed values from a link go to the fields as they are (Python explains a bad one beside
  // its field). What a field cannot hold (a mode or audience that is not in the list) and
  // names this calculator does not know are left out, and the notice says so.
  // A field the link does not name takes its reference value (the page's default), as in a fresh tab:
  // a link opened in a tab already on the calculator must give the estimate it gives anywhere else.
  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    const names = ["mode", "audience", "minutes", "rate", ...taxInputs.map((i) => i.name)];
    const problems = [];
    for (const name of names) {
      const input = field(name);
      if (input.tagName === "SELECT") {
        const initial = [...input.options].find((o) => o.defaultSelected) ?? input.options[0];
        if (initial) input.value = initial.value;
      } else {
        input.value = input.defaultValue;
      }
    }
    for (const name of names) {
      if (!params.has(name)) continue;
      const input = field(name);
      const value = params.get(name);
      if (input.tagName === "SELECT" && ![...input.options].some((o) => o.value === value)) {
        const label = form.querySelector(`label[for="${input.id}"]`).textContent;
        problems.push(`${label}: “${value.slice(0, 40)}” não existe; mantido “${input.selectedOptions[0]?.textContent ?? ""}”.`);
      } else {
        input.value = value;
      }
    }
    field("waived").checked = params.get("waived") === "1";
    const unknown = [...new Set(params.keys())].filter((name) => name !== "waived" && !names.includes(name));
    if (unknown.length) {
      const what = unknown.length > 1 ? "Ignorados, por não fazerem" : "Ignorado, por não fazer";
      problems.push(`${what} parte desta calculadora: ${unknown.map((n) => `“${n.slice(0, 40)}”`).join(", ")}.`);
    }
    notice.hidden = problems.length === 0;
    notice.textContent = problems.length ? `Parte do endereço não foi aplicada. ${problems.join(" ")}` : "";
  }

  function showErrors(errors) {
    for (const span of form.querySelectorAll("[data-error-for]")) {
      const name = span.dataset.errorFor;
      const message = errors[name];
      span.textContent = message || "";
      span.hidden = !message;
      const input = field(name);
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  }

  // A row of the estimate; `source` labels a value the guideline does not give ("Não consta na diretriz").
  function row(label, value, attrs = {}, source = null) {
    const b = badge(source, app);
    if (!b) return [el("dt", { text: label }), el("dd", { ...attrs, text: value })];
    const { class: cls, ...rest } = attrs;
    return [el("dt", { text: label }), el("dd", { class: cls }, el("span", { ...rest, text: value }), " ", b)];
  }

  const optionText = (name, value) => field(name).querySelector(`option[value="${CSS.escape(value)}"]`);

  function render(q) {
    const rows = [
      row("Modalidade", optionText("mode", q.mode).textContent),
      row("Quem solicita", optionText("audience", q.audience).dataset.title),
      row("Minutos trabalhados", number.format(q.minutes_worked), { "data-role": "minutes-worked" }),
      row("Minutos cobrados", number.format(q.minutes_billed), { "data-role": "minutes-billed" }),
      row("Valor por minuto", rateMoney.format(q.rate_per_minute), { "data-role": "rate" }, q.rate_source),
      row("Subtotal", money.format(q.subtotal), { "data-role": "subtotal" }),
      ...q.taxes.map((t) => row(`${t.name} (${percent.format(t.rate)})`, money.format(t.amount), { "data-tax": t.name }, q.taxes_source)),
      q.waived && row("Valor abonado", money.format(q.waived_amount), { "data-role": "waived-amount" }),
      row("Total", money.format(q.total), { "data-role": "total", class: "dt-total" }),
      row("Quem paga", q.waived ? "Ninguém (custo abonado)" : q.payer_title ?? "Ninguém (atendimento sem custo)", { "data-role": "payer" }, q.payer_source),
      row("O cliente paga", money.format(q.client_pays), { "data-role": "client-pays", class: "dt-total" }),
    ];
    body.replaceChildren(
      el("dl", { class: "dt-breakdown" }, rows.filter(Boolean).flat()),
      el("h3", { text: "Regras aplicadas" }),
      el("ul", { "data-role": "rules" }, q.rules.map((r) => {
        const b = badge(r.source, app);
        return el("li", { "data-rule": r.id }, r.text, b ? " " : null, b);
      })),
    );
    // The copied text's label, from the page's label template (the client site words it for clients).
    const localLabel = app.querySelector('[data-role="badge-template"]').dataset.text;
    // The copied estimate says what the page says: a value with a label is followed by "(não consta na diretriz)".
    const lines = [...body.querySelectorAll("dt")].map((dt) => {
      const dd = dt.nextElementSibling;
      const value = dd.querySelector(".kb-local") ? dd.firstElementChild.textContent : dd.textContent;
      return `${dt.textContent}: ${value}${dd.querySelector(".kb-local") ? ` (${localLabel})` : ""}`;
    });
    const local = (r) => (r.source.kind === "local" ? ` (${localLabel})` : "");
    lastText = [
      "Estimativa de custo (valores de referência; o valor efetivo é o do Termo de Aceite)",
      ...lines,
      "Regras aplicadas:",
      ...q.rules.map((r) => `- ${r.text}${local(r)}`),
      `Simulação: ${location.href}`,
    ].join("\n");
    copyButton.disabled = false;
    live.textContent = `Total ${money.format(q.total)}; o cliente paga ${money.format(q.client_pays)}.`;
  }

  async function compute() {
    const n = ++latest;
    let res;
    try {
      res = await engine.request(request());
    } catch {
      return;
    }
    if (n !== latest) return;
    showErrors(res.ok ? {} : res.errors || {});
    body.classList.toggle("dt-stale", !res.ok);
    copyButton.disabled = !res.ok; // never copy an estimate that is not what the fields say
    if (!res.ok) {
      // An earlier "Copiado!" would claim the shown (stale) estimate is the one copied.
      if (copyButton.dataset.label) copyButton.textContent = copyButton.dataset.label;
      live.textContent = "";
    }
    if (res.ok) {
      note.textContent = "";
      render(res.quote);
    } else {
      note.textContent = body.childElementCount
        ? "Corrija os campos indicados; a estimativa abaixo é a do último cálculo válido."
        : "Corrija os campos indicados para ver a estimativa.";
    }
  }

  function update() {
    // The request first (it reads only the fields): the engine computes while the page writes the rest.
    compute(); // the engine answers in a few ms; `latest` drops any answer overtaken by a newer edit
    notice.hidden = true; // what the link could not apply is past once the user edits
    showModeFields();
    writeHash(); // before the answer arrives: the copied estimate ends with this address
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", (event) => event.preventDefault());
  copyButton.addEventListener("click", () => copyText(lastText, copyButton, live));
  window.addEventListener("hashchange", () => {
    readHash();
    showModeFields();
    compute();
  });

  if (location.hash.length > 1) readHash();
  showModeFields();
  note.textContent = "A estimativa aparece assim que o cálculo terminar de carregar.";
  engine.ready.then(() => (note.textContent = ""), () => (note.textContent = ""));
  compute();
}

mountEach("calculator", mountCalculator);
