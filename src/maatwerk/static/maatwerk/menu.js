/* The main menu folds behind a "Menu" button on narrow screens. Without this script the menu simply
   stays open (the button keeps its hidden attribute). */
(function () {
  "use strict";
  var button = document.querySelector(".menu-toggle");
  var list = document.getElementById("site-nav");
  if (!button || !list) { return; }
  var narrow = window.matchMedia("(max-width: 47.99em)");
  function apply() {
    if (narrow.matches) {
      button.hidden = false;
      list.hidden = button.getAttribute("aria-expanded") !== "true";
    } else {
      button.hidden = true;
      list.hidden = false;
    }
  }
  button.addEventListener("click", function () {
    button.setAttribute("aria-expanded", button.getAttribute("aria-expanded") === "true" ? "false" : "true");
    apply();
  });
  if (narrow.addEventListener) { narrow.addEventListener("change", apply); }
  apply();
}());
