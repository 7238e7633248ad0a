// The Zendesk sidebar adapter: the wizard of this page, inside a ticket, over the official
// ZAF SDK (window.ZAFClient, served by the site: assets/vendor/zaf_sdk.js).
// Reads the ticket when the app opens (id, subject, organization, the app's settings,
// its internal notes) and writes to it only when the analyst clicks a button, each
// reported beside it. What the ticket means (the audience to preselect, the walk to
// resume, the tags) is the engine's answer (op "zendesk-ticket", core/zendesk_app.py);
// the outcome (macros, note, prefix) is the wizard's, as on the Assistente page.
import { badge, el, engineRequest } from "./client.js";

const root = document.querySelector('[data-app="zendesk"]');
const wizard = document.querySelector('[data-app="wizard"]');
const role = (name) => root.querySelector(`[data-role="${name}"]`);
const params = new URLSearchParams(location.search);
const inZendesk = Boolean(params.get("origin") && params.get("app_guid") && window.parent !== window && window.ZAFClient);

let client = null;
let ticket = null; // {id, subject, organization}
let context = null; // the engine's answer for this ticket
let lastQuestion = null; // {question, form}: preselected when the ticket's answer comes after it
let lastOutcome = null; // {outcome, section}
const results = new Map(); // action id → {ok, text}: kept when the outcome is drawn again (a mark)

const message = (error) => (error && (error.message || error.responseText || error.statusText)) || String(error);

function showError(text) {
  const box = role("zendesk-error");
  box.hidden = false;
  box.append(el("p", { text }));
}

function labelled(source) {
  const b = badge(source, wizard);
  return b ? [" ", b] : [];
}

// -- reading the ticket (nothing is written here) ----------------------------------------

async function open() {
  const status = role("zendesk-context");
  if (!inZendesk) {
    status.hidden = true;
    role("zendesk-outside").hidden = false;
    return;
  }
  client = window.ZAFClient.init();
  let data;
  try {
    data = await client.get(["ticket.id", "ticket.subject", "ticket.organization"]);
  } catch (error) {
    status.textContent = "O ticket não pôde ser lido; o assistente funciona sem ele.";
    showError(`O Zendesk respondeu com um erro ao ler o ticket: ${message(error)}`);
    return;
  }
  const organization = data["ticket.organization"] || null;
  ticket = { id: data["ticket.id"], subject: data["ticket.subject"] || "", organization };
  role("ticket-id").textContent = `#${ticket.id}`;
  role("ticket-subject").textContent = ticket.subject || "(sem assunto)";
  role("ticket-organization").textContent = organization ? organization.name : "(nenhuma)";
  role("zendesk-ticket").hidden = false;
  status.textContent = "Ligado ao ticket. Nada é gravado nele sem um clique seu nos botões do resultado.";

  const metadata = await client.metadata().catch(() => null);
  const notes = await internalNotes();
  try {
    context = await engineRequest({
      op: "zendesk-ticket",
      organization_tags: (organization && organization.tags) || [],
      settings: (metadata && metadata.settings) || {},
      notes,
    });
  } catch {
    return; // the wizard's fallback message says the engine did not start
  }
  if (!context.ok) {
    showError(context.error);
    context = null;
    return;
  }
  showAudience();
  if (context.resume && !location.hash) {
    const resume = role("zendesk-resume");
    resume.hidden = false;
    resume.textContent = "Retomado da última nota interna do assistente neste ticket.";
    location.hash = context.resume; // the wizard follows the hash
  }
  if (lastQuestion) preselect(lastQuestion);
  if (lastOutcome) drawActions(lastOutcome);
}

/** The ticket's internal notes, oldest first: where a walk to resume is written. Read only. */
async function internalNotes() {
  try {
    const answer = await client.request({ url: `/api/v2/tickets/${ticket.id}/comments.json?sort_order=desc`, type: "GET" });
    return ((answer && answer.comments) || [])
      .filter((c) => c.public === false)
      .map((c) => c.plain_body || c.body || "")
      .reverse();
  } catch (error) {
    showError(`As notas internas do ticket não puderam ser lidas, então o assistente começa do início: ${message(error)}`);
    return [];
  }
}

function showAudience() {
  const line = role("zendesk-audience");
  line.hidden = false;
  const text = context.audience
    ? ["Solicitante pré-selecionado pelas tags da organização: ", el("strong", { text: context.audience_title }), ". Troque-o se não for o caso."]
    : context.audience_matches.length > 1
      ? ["As tags da organização indicam mais de um solicitante: escolha-o no assistente."]
      : ticket.organization
        ? ["As tags da organização não indicam o solicitante: escolha-o no assistente."]
        : ["O ticket não tem organização: escolha o solicitante no assistente."];
  line.replaceChildren(...text, ...labelled(context.audience_rule.source));
}

// -- hooks of the wizard -------------------------------------------------------------------

function preselect({ question, form }) {
  form.querySelector('[data-role="zendesk-preselect"]')?.remove();
  if (!context || !context.audience || question.selected) return;
  const option = question.options.find((o) => o.audience === context.audience);
  const input = option && form.querySelector(`input[type="radio"][value="${CSS.escape(option.id)}"]`);
  if (!input) return;
  input.checked = true;
  input.closest("label").after(
    el("p", { class: "dt-hint", "data-role": "zendesk-preselect" }, "Pré-selecionado pela organização do ticket.", ...labelled(context.audience_rule.source)),
  );
}

wizard.addEventListener("dt-question", ({ detail }) => {
  lastQuestion = detail;
  lastOutcome = null;
  preselect(detail);
});

wizard.addEventListener("dt-outcome", ({ detail }) => {
  lastQuestion = null;
  lastOutcome = detail;
  if (client && ticket) drawActions(detail);
});

// -- writing to the ticket: each only on a click, reported beside its button -----------------

const waitingText = (marks) => new Intl.ListFormat("pt-BR").format(marks.map((mark) => `“${mark}”`));

function action(id, label, run, { disabled = false, why = "" } = {}) {
  const result = el("span", { class: "dt-zendesk-result", "data-role": "result", role: "status" });
  const previous = results.get(id);
  if (previous) {
    result.textContent = previous.text;
    result.dataset.ok = String(previous.ok);
  }
  const button = el("button", { type: "button", class: "md-button", "data-zendesk": id, text: label, disabled });
  button.addEventListener("click", async () => {
    button.disabled = true;
    result.textContent = "Enviando ao Zendesk…";
    delete result.dataset.ok;
    let outcome;
    try {
      outcome = { ok: true, text: await run() };
    } catch (error) {
      outcome = { ok: false, text: `Falhou: ${message(error)}` };
    }
    results.set(id, outcome);
    result.textContent = outcome.text;
    result.dataset.ok = String(outcome.ok);
    button.disabled = false;
  });
  return el("div", { class: "dt-zendesk-action", "data-zendesk-action": id }, button, why && el("p", { class: "dt-hint", "data-role": "why", text: why }), result);
}

function drawActions({ outcome: r, section }) {
  section.querySelector('[data-role="zendesk-actions"]')?.remove();
  const rows = [];
  for (const step of r.steps) {
    for (const m of step.macros) {
      const id = `macro-${m.id}`;
      if (!m.zendesk_id) {
        rows.push(action(id, `Aplicar “${m.title}”`, null, {
          disabled: true,
          why: `Esta macro não tem o id oficial do Zendesk (o texto deste site é uma proposta): aplique “${m.title}” pelo título, no Zendesk.`,
        }));
      } else {
        rows.push(action(id, `Aplicar “${m.title}”`, async () => {
          await client.invoke("macro", m.zendesk_id);
          return "Macro aplicada ao ticket: confira a resposta e envie.";
        }, { disabled: !m.ready, why: m.ready ? "" : `Disponível depois de marcar ${waitingText(step.waits_for)}.` }));
      }
    }
  }
  rows.push(action("note", "Adicionar a nota como nota interna", async () => {
    await client.request({
      url: `/api/v2/tickets/${ticket.id}.json`,
      type: "PUT",
      contentType: "application/json",
      data: JSON.stringify({ ticket: { comment: { body: r.ticket_note, public: false } } }),
    });
    return "Nota interna adicionada ao ticket.";
  }));
  const tags = (context && context.ticket_tags[r.mode]) || [];
  if (tags.length) {
    const row = action("tags", `Adicionar as tags ${tags.join(", ")}`, async () => {
      await client.invoke("ticket.tags.add", tags);
      return "Tags adicionadas ao ticket: envie o ticket para salvá-las.";
    });
    row.append(el("p", { class: "dt-hint" }, context.ticket_rule.text, ...labelled(context.ticket_rule.source)));
    rows.push(row);
  }
  const prefix = r.ticket_prefix;
  if (prefix) {
    const open = r.steps.filter((s) => s.mark && !s.done).map((s) => s.mark);
    rows.push(action("subject", `Prefixar o assunto com ${prefix.text}`, async () => {
      const subject = (await client.get("ticket.subject"))["ticket.subject"] || "";
      if (subject.startsWith(prefix.text)) return "O assunto já começa com o prefixo; nada foi mudado.";
      await client.set("ticket.subject", `${prefix.text} ${subject}`);
      return "Assunto prefixado: envie o ticket para salvá-lo.";
    }, { disabled: !prefix.ready, why: prefix.ready ? "" : `Disponível depois de marcar ${waitingText(open)}.` }));
  }
  section.append(
    el("section", { class: "dt-block dt-zendesk-actions", "data-role": "zendesk-actions", "aria-labelledby": "dt-zendesk-actions-title" },
      el("h3", { id: "dt-zendesk-actions-title", text: `No ticket #${ticket.id}` }),
      el("p", { class: "dt-hint", text: "Cada botão grava só quando você clica nele, e diz aqui ao lado se deu certo." }),
      ...rows),
  );
}

open();
