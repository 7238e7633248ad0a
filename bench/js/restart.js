// Back to the first question ("Recomeçar" of the question form), e.g. after the first answer init.js gave.
async () => {
  const app = document.querySelector('[data-app="wizard"]');
  const count = () => app.querySelectorAll('[data-role="history-list"] > li').length;
  if (count() === 0) return;
  app.querySelector('[data-role="question"] [data-action="restart"]').click();
  for (let i = 0; i < 200 && count() > 0; i++) await new Promise((r) => setTimeout(r, 25));
  if (count() > 0) throw new Error("Recomeçar did not go back to the first question");
}
