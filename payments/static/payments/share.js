// The thank-you page's "share the campaign": the browser's own share sheet (Web Share API) where
// it has one, else copy the link to the clipboard; the link stays on the page, selectable, either
// way. Nothing is loaded from another host, and nothing about the gift is shared.
(function () {
  "use strict";
  const box = document.querySelector("[data-share]");
  if (!box) { return; }
  const url = box.dataset.shareUrl;
  const status = box.querySelector("[data-share-status]");
  const link = box.querySelector(".share__link");
  const native = box.querySelector("[data-share-native]");
  const copy = box.querySelector("[data-share-copy]");

  link.addEventListener("focus", () => link.select());

  function say(text) { status.textContent = text; }

  if (typeof navigator.share === "function") {
    native.hidden = false;
    native.addEventListener("click", () => {
      navigator.share({ title: box.dataset.shareTitle, text: box.dataset.shareText, url: url })
        .catch(() => {});  // closing the share sheet is not an error worth showing
    });
  }
  if (navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener("click", () => {
      navigator.clipboard.writeText(url).then(
        () => say(box.dataset.copied),
        () => { link.focus(); say(box.dataset.copyFailed); },
      );
    });
  }
})();
