// A page's "Share" button: the browser's own share sheet (Web Share API) where it has one; else
// the link is copied (Clipboard API, or selecting the field and the copy command where a chat app's
// in-app browser has no clipboard API) and a message says so. The link stays on the page,
// selectable, either way. Nothing is loaded from another host.
(function () {
  "use strict";
  const box = document.querySelector("[data-share-page]");
  if (!box) { return; }
  const url = box.dataset.shareUrl;
  const status = box.querySelector("[data-share-status]");
  const link = box.querySelector(".share__link");
  const button = box.querySelector("[data-share-button]");

  link.addEventListener("focus", () => link.select());

  function say(text) { status.textContent = text; }

  function copyBySelection() {
    link.focus();
    link.select();
    link.setSelectionRange(0, link.value.length);  // iOS needs an explicit range
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function copy() {
    const done = () => say(box.dataset.copied);
    const fallback = () => say(copyBySelection() ? box.dataset.copied : box.dataset.copyFailed);
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(done, fallback);
    } else {
      fallback();
    }
  }

  button.addEventListener("click", () => {
    say("");
    if (typeof navigator.share === "function") {
      navigator.share({ title: box.dataset.shareTitle, text: box.dataset.shareText, url: url })
        .catch((error) => {
          // Closing the share sheet is not an error worth showing; a refused share copies instead.
          if (!error || error.name !== "AbortError") { copy(); }
        });
    } else {
      copy();
    }
  });
})();
