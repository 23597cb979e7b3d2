// The phone's sticky Donate bar steps aside while the give form is on screen, so it never covers
// the form's fields or its submit button (issue 13, ADR 0418). Without IntersectionObserver the bar
// stays; site.css then keeps a focused field and a scrolled-to button clear of it.
(function () {
  "use strict";
  const bar = document.querySelector("[data-sticky-donate]");
  const form = document.getElementById("donate");
  if (!bar || !form || !("IntersectionObserver" in window)) {
    return;
  }
  new IntersectionObserver((entries) => {
    bar.classList.toggle("sticky-cta--away", entries[entries.length - 1].isIntersecting);
  }).observe(form);
})();
