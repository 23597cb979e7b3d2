// The chosen file's name beside our "Choose file" button (campaigns/choose_file.py): the browser's
// own text is hidden because it is in the browser's language, not the page's. Included once per
// file field, so it binds once.
(() => {
  if (window.clearfundChooseFile) return;
  window.clearfundChooseFile = true;
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file") return;
    const box = input.closest("[data-choose-file]");
    const shown = box && box.querySelector("[data-choose-file-name]");
    if (!shown) return;
    const names = Array.from(input.files || [], (file) => file.name);
    shown.textContent = names.length ? names.join(", ") : shown.dataset.empty;
  });
})();
