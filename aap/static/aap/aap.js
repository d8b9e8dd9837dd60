// AAP Inclusion : petits comportements progressifs (la page reste utilisable sans JavaScript).
document.addEventListener("DOMContentLoaded", () => {
  // Place le focus sur le récapitulatif d'erreurs s'il existe (RGAA 11.10).
  const recap = document.getElementById("recap-erreurs");
  if (recap) recap.focus();
  // Confirmation des actions irréversibles : <button data-confirm="…">.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });
});
