// Buttons marked data-print print the page (a file of its own: the Content-Security-Policy refuses inline handlers).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
