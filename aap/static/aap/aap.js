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

// Tableaux plus larges que l'écran : la zone défilante devient atteignable au clavier et nommée
// (RGAA 7.3 / WCAG 2.1.1), seulement quand elle défile vraiment.
function rendreDefilementAccessible() {
  document.querySelectorAll(".table-wrap").forEach((zone) => {
    const defile = zone.scrollWidth > zone.clientWidth + 1;
    if (defile && !zone.hasAttribute("tabindex")) {
      zone.setAttribute("tabindex", "0");
      zone.dataset.defilementAuto = "1";
      if (!zone.hasAttribute("role")) zone.setAttribute("role", "region");
      if (!zone.hasAttribute("aria-label") && !zone.hasAttribute("aria-labelledby")) {
        const legende = zone.querySelector("caption");
        zone.setAttribute("aria-label", legende ? legende.textContent.trim() : "Tableau défilant");
      }
    } else if (!defile && zone.dataset.defilementAuto) {
      zone.removeAttribute("tabindex");
      delete zone.dataset.defilementAuto;
    }
  });
}
document.addEventListener("DOMContentLoaded", rendreDefilementAccessible);
window.addEventListener("resize", rendreDefilementAccessible);
document.addEventListener("htmx:afterSwap", rendreDefilementAccessible);
