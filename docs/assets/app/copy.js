// The copy button of a macro page: puts the macro's text on the clipboard as
// formatted HTML (what Zendesk's editor pastes) and as clean plain text.
import { copyText, mountEach } from "./client.js";

function mountCopy(box) {
  const html = box.querySelector("[data-copy-html]").innerHTML.trim();
  const plain = box.querySelector("[data-copy-plain]").textContent;
  const status = box.querySelector(".kb-copy-status");
  box.querySelector("[data-copy-button]").addEventListener("click", (e) => copyText(plain, e.currentTarget, status, html));
}

for (const box of document.querySelectorAll("[data-copy]")) mountCopy(box);
